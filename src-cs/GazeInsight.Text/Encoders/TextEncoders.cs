namespace GazeInsight.Text.Encoders;

/// <summary>The encoders GazeInsight ships, by name.</summary>
public static class TextEncoders
{
    /// <summary>Known names for <c>--encoder</c>.</summary>
    public static IReadOnlyList<string> Names { get; } = [MiniLmEncoder.EncoderName];

    /// <summary>Loads the encoder called <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">unknown name (the message lists the known ones).</exception>
    public static ITextEncoder Create(string name) => name switch
    {
        MiniLmEncoder.EncoderName => MiniLmEncoder.Load(),
        _ => throw new ArgumentException($"unknown encoder '{name}' (known: {string.Join(", ", Names)})", nameof(name)),
    };
}
