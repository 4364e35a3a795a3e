namespace GazeInsight.Text.Encoders;

/// <summary>Encoder throughput at one batch size.</summary>
/// <param name="BatchSize">texts per forward pass.</param>
/// <param name="Sentences">texts encoded in the timed part.</param>
/// <param name="Seconds">time of the timed part.</param>
/// <param name="MeanTokens">mean token count of the texts.</param>
/// <param name="CpuSeconds">processor time this process used meanwhile (all threads): unlike
/// <paramref name="Seconds"/>, barely affected by other programs competing for the cores.</param>
public sealed record ThroughputResult(int BatchSize, int Sentences, double Seconds, double MeanTokens, double CpuSeconds)
{
    /// <summary>Texts per second.</summary>
    public double SentencesPerSecond => Sentences / Seconds;
}
