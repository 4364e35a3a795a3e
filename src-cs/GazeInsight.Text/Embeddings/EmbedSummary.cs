namespace GazeInsight.Text.Embeddings;

/// <summary>What an embedding pass did.</summary>
/// <param name="Descriptions">ids in the description file.</param>
/// <param name="Written">files written.</param>
/// <param name="UpToDate">ids skipped because file, text hash and encoder matched.</param>
/// <param name="ForeignIds">ids whose existing file the manifest does not know, left alone.</param>
/// <param name="Dimension">D of the written files.</param>
/// <param name="MaxLength">largest L written (0 when nothing was written).</param>
public sealed record EmbedSummary(int Descriptions, int Written, int UpToDate, IReadOnlyList<string> ForeignIds, int Dimension, int MaxLength);
