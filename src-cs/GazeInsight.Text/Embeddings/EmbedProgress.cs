namespace GazeInsight.Text.Embeddings;

/// <summary>Reported after each batch.</summary>
/// <param name="Done">texts embedded so far in this pass.</param>
/// <param name="Total">texts this pass embeds (up-to-date ones excluded).</param>
/// <param name="Elapsed">time since the pass started.</param>
public sealed record EmbedProgress(int Done, int Total, TimeSpan Elapsed);
