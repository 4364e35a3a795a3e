namespace GazeInsight.Text.Embeddings;

/// <summary>
/// Several ids' token embeddings padded to one length, ready to become a [N, L, D] tensor and a
/// key-padding mask for cross-attention.
/// </summary>
/// <param name="Ids">the ids, in the order of the rows.</param>
/// <param name="Values">row-major [Count, Length, Dimension]; padding rows are zero.</param>
/// <param name="Valid">row-major [Count, Length]: true for a real token, false for padding
/// (TorchSharp's <c>key_padding_mask</c> wants the opposite: pass <c>!Valid</c>).</param>
/// <param name="Lengths">each id's real token count, [Count].</param>
/// <param name="Length">common length L: the longest id (or the requested cap).</param>
/// <param name="Dimension">embedding size D, the same for all ids.</param>
public sealed record PaddedEmbeddings(
    IReadOnlyList<string> Ids,
    float[] Values,
    bool[] Valid,
    int[] Lengths,
    int Length,
    int Dimension)
{
    /// <summary>Number of ids N.</summary>
    public int Count => Ids.Count;
}
