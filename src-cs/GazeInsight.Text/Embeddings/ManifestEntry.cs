namespace GazeInsight.Text.Embeddings;

/// <summary>What an embedding file was computed from.</summary>
/// <param name="TextHash">SHA-256 (hex) of the rendered description text.</param>
/// <param name="Encoder">the encoder's fingerprint (name, weights, tokenisation, pooling).</param>
public sealed record ManifestEntry(string TextHash, string Encoder);
