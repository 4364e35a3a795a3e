namespace GazeInsight.Imaging.Data;

/// <summary>
/// Result of <see cref="DatasetCheck.Run"/>: counts, every problem found (each a one-line
/// <c>file:place: problem</c>) and notes that are not errors (empty masks, unlisted images).
/// </summary>
public sealed record DatasetCheckReport(
    string Root,
    string Layout,
    int TrainCount,
    int TestCount,
    int SamplesRead,
    int GazeMaps,
    int TextEmbeddings,
    int EmptyMasks,
    IReadOnlyList<string> Problems,
    IReadOnlyList<string> Notes)
{
    /// <summary>True when no problem was found.</summary>
    public bool Ok => Problems.Count == 0;
}
