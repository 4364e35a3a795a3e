using GazeInsight.Imaging;
using GazeInsight.Imaging.IO;
using GazeInsight.Text.Descriptions;

namespace GazeInsight.Text.Embeddings;

/// <summary>
/// The <c>embeddings/&lt;id&gt;.npy</c> files of a data root, whoever wrote them (<c>runner text
/// embed</c>, or the authors' RoBERTa files): float arrays of shape (L, D) or (1, L, D), any D,
/// any float or integer dtype (converted to float32).
/// </summary>
public sealed class EmbeddingStore
{
    /// <summary>Folder name under the data root.</summary>
    public const string FolderName = "embeddings";

    /// <summary>A store over <paramref name="dataRoot"/>/embeddings.</summary>
    public EmbeddingStore(string dataRoot)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataRoot);
        DataRoot = dataRoot;
        Folder = Path.Combine(dataRoot, FolderName);
    }

    /// <summary>The data root.</summary>
    public string DataRoot { get; }

    /// <summary>The embeddings folder.</summary>
    public string Folder { get; }

    /// <summary>The file of <paramref name="id"/>.</summary>
    /// <exception cref="ArgumentException">an id that cannot be a file name.</exception>
    public string PathOf(string id)
    {
        var problem = DescriptionFile.IdProblem(id);
        if (problem is not null)
        {
            throw new ArgumentException(problem, nameof(id));
        }

        return Path.Combine(Folder, id + ".npy");
    }

    /// <summary>Whether <paramref name="id"/> has a file.</summary>
    public bool Exists(string id) => File.Exists(PathOf(id));

    /// <summary>Loads the embedding of <paramref name="id"/>.</summary>
    /// <returns>[L, D] values with L and D.</returns>
    /// <exception cref="InvalidInputException">missing file, not a .npy, a shape other than (L, D) or (1, L, D), L or D zero, or non-finite values.</exception>
    public TextEmbedding Load(string id)
    {
        var path = PathOf(id);
        var array = NpyFile.Read(path);
        var shape = array.Shape;
        int length, dimension;
        if (shape.Length == 2)
        {
            (length, dimension) = (shape[0], shape[1]);
        }
        else if (shape.Length == 3 && shape[0] == 1)
        {
            (length, dimension) = (shape[1], shape[2]);
        }
        else
        {
            throw new InvalidInputException(path, "shape",
                $"expected (L, D) or (1, L, D) token embeddings, got ({string.Join(", ", shape)})");
        }

        if (length == 0 || dimension == 0)
        {
            throw new InvalidInputException(path, "shape", $"empty embedding ({string.Join(", ", shape)}): L and D must be at least 1");
        }

        if (array.DType == NpyDType.Bool)
        {
            throw new InvalidInputException(path, "header", "a bool array is not an embedding");
        }

        var values = array.ToFloatArray();
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                throw new InvalidInputException(path, $"token {i / dimension}, dim {i % dimension}", $"non-finite value {values[i]}");
            }
        }

        return new TextEmbedding(id, values, length, dimension);
    }

    /// <summary>
    /// Checks every id's file (loads it) and returns every problem, one line each, without stopping
    /// at the first; also reports ids whose D differs from the first id's.
    /// </summary>
    public IReadOnlyList<string> Verify(IEnumerable<string> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var problems = new List<string>();
        int? dimension = null;
        string? firstId = null;
        foreach (var id in ids)
        {
            try
            {
                var e = Load(id);
                if (dimension is null)
                {
                    (dimension, firstId) = (e.Dimension, id);
                }
                else if (e.Dimension != dimension)
                {
                    problems.Add(InvalidInputException.Format(PathOf(id), "shape",
                        $"D = {e.Dimension}, but '{firstId}' has D = {dimension}: all embeddings of a data set must share D"));
                }
            }
            catch (InvalidInputException e)
            {
                problems.Add(e.Message);
            }
            catch (ArgumentException e)
            {
                problems.Add(InvalidInputException.Format(Folder, null, e.Message));
            }
        }

        return problems;
    }

    /// <summary>
    /// Loads <paramref name="ids"/> and pads them to a common length with a validity mask.
    /// </summary>
    /// <param name="ids">ids in the order wanted.</param>
    /// <param name="maxLength">cap on L (longer embeddings keep their first tokens); no cap when null.</param>
    /// <returns>[N, L, D] values and [N, L] mask; see <see cref="PaddedEmbeddings"/>.</returns>
    /// <exception cref="InvalidInputException">as <see cref="Load"/>, or ids whose D differ.</exception>
    public PaddedEmbeddings LoadPadded(IReadOnlyList<string> ids, int? maxLength = null)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (maxLength is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxLength), maxLength, "must be at least 1");
        }

        var items = new TextEmbedding[ids.Count];
        for (int i = 0; i < ids.Count; i++)
        {
            items[i] = Load(ids[i]);
            if (items[i].Dimension != items[0].Dimension)
            {
                throw new InvalidInputException(PathOf(ids[i]), "shape",
                    $"D = {items[i].Dimension}, but '{ids[0]}' has D = {items[0].Dimension}: all embeddings of a data set must share D");
            }
        }

        return Pad(items, maxLength);
    }

    /// <summary>Pads already loaded embeddings (all of one D) to a common length.</summary>
    public static PaddedEmbeddings Pad(IReadOnlyList<TextEmbedding> items, int? maxLength = null)
    {
        ArgumentNullException.ThrowIfNull(items);
        int dimension = items.Count > 0 ? items[0].Dimension : 0;
        if (items.Any(e => e.Dimension != dimension))
        {
            throw new ArgumentException("embeddings differ in D", nameof(items));
        }

        int length = items.Count > 0 ? items.Max(e => e.Length) : 0;
        if (maxLength is { } cap)
        {
            length = Math.Min(length, cap);
        }

        var values = new float[(long)items.Count * length * dimension];
        var valid = new bool[items.Count * length];
        var lengths = new int[items.Count];
        for (int n = 0; n < items.Count; n++)
        {
            int l = Math.Min(items[n].Length, length);
            lengths[n] = l;
            Array.Copy(items[n].Values, 0, values, (long)n * length * dimension, (long)l * dimension);
            Array.Fill(valid, true, n * length, l);
        }

        return new PaddedEmbeddings(items.Select(e => e.Id).ToArray(), values, valid, lengths, length, dimension);
    }
}
