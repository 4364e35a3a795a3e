using GazeInsight.Torch.Networks.Blocks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GazeInsight.Torch.Networks;

/// <summary>
/// The FGI teacher (method.md §4): a BasicUNet "encoder" whose down-sampled outputs x1..x4 are
/// fused with the text (fusion_x1..x4, optional for the no-text ablation), projected by
/// distill_proj_x1..x4 to D_s, and decoded from D_s + x_s; then head and a 2-channel classifier.
/// Paper widths: features (64, 128, 256, 512, 1024, 128), feature size 128, input 224.
/// </summary>
public sealed class TeacherNet : nn.Module<Tensor, Tensor?, Tensor>
{
    private readonly BasicUNet _encoder;
    private readonly TextFusion[] _fusions;
    private readonly ProjectionBlock[] _projections;
    private readonly Sequential _head;
    private readonly Conv2d _classifier;

    /// <param name="inChannels">Image channels.</param>
    /// <param name="features">BasicUNet features tuple (six numbers).</param>
    /// <param name="inputSize">Square training input size; sizes the positional embeddings (input / 2^s).</param>
    /// <param name="textDim">Text token size D, or null for a teacher without text fusion.</param>
    /// <param name="featureSize">Channels of the feature map before the head (128).</param>
    /// <param name="heads">Cross-attention heads (8).</param>
    /// <param name="learnableFusionWeight">One learnable scalar per scale on the fused term.</param>
    public TeacherNet(int inChannels, IReadOnlyList<int> features, int inputSize, int? textDim, int featureSize = 128,
        int classes = 2, int heads = 8, bool learnableFusionWeight = false) : base(nameof(TeacherNet))
    {
        if (inputSize < 16 || inputSize % 16 != 0)
            throw new ArgumentException($"input size must be a multiple of 16 (four 2x2 poolings), got {inputSize}");
        _encoder = new BasicUNet(inChannels, featureSize, features);
        register_module("encoder", _encoder);
        _fusions = textDim is { } d
            ? Enumerable.Range(1, 4).Select(s => new TextFusion(features[s], inputSize >> s, inputSize >> s, d, heads, learnableFusionWeight)).ToArray()
            : [];
        for (var s = 0; s < _fusions.Length; s++) register_module($"fusion_x{s + 1}", _fusions[s]);
        _projections = Enumerable.Range(1, 4).Select(s => new ProjectionBlock(features[s])).ToArray();
        for (var s = 0; s < 4; s++) register_module($"distill_proj_x{s + 1}", _projections[s]);
        _head = OutputHead.Head(featureSize);
        register_module("head", _head);
        _classifier = OutputHead.Classifier(featureSize, classes);
        register_module("classifier", _classifier);
        TextDim = textDim;
    }

    /// <summary>Text token size the fusion expects, or null without text fusion.</summary>
    public int? TextDim { get; }

    /// <summary>
    /// The text size D a teacher state dict was trained with (its x1 text projection is
    /// [C_1, D]), or null when it has no text fusion.
    /// </summary>
    public static int? TextDimOf(IReadOnlyDictionary<string, Tensor> stateDict) =>
        stateDict.TryGetValue("fusion_x1.text_proj.weight", out var w) && w.dim() == 2 ? (int)w.shape[1] : null;

    /// <summary>Logits [B, classes, H, W] from image [B, C, H, W] and text [B, L, D] (null without fusion).</summary>
    public override Tensor forward(Tensor input, Tensor? text) => Forward(input, text, textValid: null);

    /// <summary>As <see cref="forward"/>, with the real-token mask [B, L] (false rows are padding; null: all real).</summary>
    public Tensor Forward(Tensor input, Tensor? text, Tensor? textValid)
    {
        using var output = Run(input, text, needAttention: false, textValid);
        return output.Logits.alias();
    }

    /// <summary>Full pass: logits, D_1..D_4 and, with <paramref name="needAttention"/>, attention maps.
    /// <paramref name="textValid"/> [B, L] bool marks real text tokens; padded ones take no part in the attention.</summary>
    public NetworkOutput Run(Tensor input, Tensor? text, bool needAttention, Tensor? textValid = null)
    {
        if (_fusions.Length > 0 && text is null)
            throw new ArgumentException("this teacher fuses text: it needs text embeddings [B, L, D] for every image");
        using var scope = NewDisposeScope();
        using var encoded = _encoder.Encode(input);
        Tensor[] levels = [encoded.X1, encoded.X2, encoded.X3, encoded.X4];
        var decoderInputs = new Tensor[4];
        var distilled = new Tensor[4];
        var attention = new List<Tensor>();
        for (var s = 0; s < 4; s++)
        {
            var x = levels[s];
            if (_fusions.Length > 0)
            {
                var (fused, weights) = _fusions[s].Fuse(x, text!, needAttention, textValid);
                x = fused;
                if (weights is not null) attention.Add(weights);
            }
            distilled[s] = _projections[s].forward(x);
            decoderInputs[s] = distilled[s] + x;
        }
        var decoded = _encoder.Decode(new EncoderFeatures(encoded.X0, decoderInputs[0], decoderInputs[1], decoderInputs[2], decoderInputs[3]));
        var logits = _classifier.forward(_head.forward(decoded));
        return new NetworkOutput(
            logits.MoveToOuterDisposeScope(),
            distilled.Select(d => d.MoveToOuterDisposeScope()).ToArray(),
            attention.Select(a => a.MoveToOuterDisposeScope()).ToArray());
    }

    /// <summary>Starts the lesion logit at the log-odds of <paramref name="foregroundFraction"/> (<see cref="Blocks.OutputHead.SetLesionPrior"/>).</summary>
    public void SetForegroundPrior(double foregroundFraction) => Blocks.OutputHead.SetLesionPrior(_classifier, foregroundFraction);
}
