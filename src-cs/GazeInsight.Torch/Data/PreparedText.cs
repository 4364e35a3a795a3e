using GazeInsight.Text.Embeddings;
using TorchSharp;
using static TorchSharp.torch;

namespace GazeInsight.Torch.Data;

/// <summary>
/// Text embeddings of a split as device tensors: Values [N, L, D] float32 (zero padding rows),
/// Valid [N, L] bool (true for a real token).
/// </summary>
public sealed class PreparedText : IDisposable
{
    private PreparedText(Tensor values, Tensor valid)
    {
        Values = values;
        Valid = valid;
    }

    public Tensor Values { get; }
    public Tensor Valid { get; }
    public long Dimension => Values.shape[2];

    /// <summary>Loads embeddings/&lt;id&gt;.npy for every id (any D; (L, D) or (1, L, D) files).</summary>
    public static PreparedText Load(EmbeddingStore store, IReadOnlyList<string> ids, Device device)
    {
        var padded = store.LoadPadded(ids);
        using var scope = NewDisposeScope();
        var values = tensor(padded.Values, [padded.Count, padded.Length, padded.Dimension]).to(device);
        var valid = tensor(padded.Valid, [padded.Count, padded.Length]).to(device);
        return new PreparedText(values.MoveToOuterDisposeScope(), valid.MoveToOuterDisposeScope());
    }

    public void Dispose()
    {
        Values.Dispose();
        Valid.Dispose();
    }
}
