using GazeInsight.Text.Encoders;

namespace GazeInsight.Text.Tests.Encoders;

/// <summary>Loads the real model once per test class (about a second).</summary>
public sealed class MiniLmFixture : IDisposable
{
    public MiniLmEncoder Encoder { get; } = MiniLmEncoder.Load();

    public void Dispose() => Encoder.Dispose();
}
