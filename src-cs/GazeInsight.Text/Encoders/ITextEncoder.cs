namespace GazeInsight.Text.Encoders;

/// <summary>A sentence encoder giving token embeddings and a pooled sentence vector per text.</summary>
public interface ITextEncoder : IDisposable
{
    /// <summary>Short name, as given to <c>--encoder</c>.</summary>
    string Name { get; }

    /// <summary>Embedding size D.</summary>
    int Dimension { get; }

    /// <summary>
    /// Identifies the weights, vocabulary, tokenisation and pooling: equal fingerprints give
    /// equal embeddings for equal texts. Recorded in the embedding manifest.
    /// </summary>
    string Fingerprint { get; }

    /// <summary>Number of tokens (special tokens included, after truncation) that <paramref name="text"/> gives.</summary>
    int CountTokens(string text);

    /// <summary>Encodes a batch of texts in one forward pass (padded to the longest).</summary>
    /// <returns>One result per text, in order.</returns>
    IReadOnlyList<EncodedText> Encode(IReadOnlyList<string> texts);
}
