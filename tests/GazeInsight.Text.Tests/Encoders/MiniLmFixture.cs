using GazeInsight.Text.Encoders;

namespace GazeInsight.Text.Tests.Encoders;

/// <summary>Loads the real model once for every test class of the "MiniLM" collection (about a second).</summary>
public sealed class MiniLmFixture : IDisposable
{
    public MiniLmEncoder Encoder { get; } = MiniLmEncoder.Load();

    public void Dispose() => Encoder.Dispose();
}
