namespace GazeInsight.Text.Embeddings;

/// <summary>The token embeddings of one image's text.</summary>
/// <param name="Id">image id.</param>
/// <param name="Values">row-major [Length, Dimension].</param>
/// <param name="Length">number of tokens L (at least 1).</param>
/// <param name="Dimension">embedding size D (any: 384 for MiniLM, 768 for the authors' RoBERTa files).</param>
public sealed record TextEmbedding(string Id, float[] Values, int Length, int Dimension);
