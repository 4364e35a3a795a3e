namespace GazeInsight.Text.Embeddings;

/// <summary>Options of an embedding pass.</summary>
public sealed record EmbedOptions
{
    /// <summary>
    /// Texts per forward pass. Texts are sorted by token count first so that a batch pads little;
    /// 32 had the lowest CPU time per sentence on 2 cores (docs/text.md, "Throughput").
    /// </summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Replace <c>.npy</c> files that the manifest does not know (for example the authors' files).</summary>
    public bool OverwriteForeign { get; init; }

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentOutOfRangeException">batch size below 1.</exception>
    public void Validate()
    {
        if (BatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, $"batch size must be at least 1, got {BatchSize}");
        }
    }
}
