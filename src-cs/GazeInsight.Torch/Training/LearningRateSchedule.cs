namespace GazeInsight.Torch.Training;

/// <summary>
/// Half-cosine decay per epoch from the initial rate to the minimum (released scripts):
/// lr(e) = min + (max - min) (1 + cos(pi e / E)) / 2, with E the number of epochs the run spans.
/// </summary>
public sealed record LearningRateSchedule(double Initial, double Minimum, int IterationsPerEpoch, int Iterations)
{
    public int Epochs => (Iterations + IterationsPerEpoch - 1) / IterationsPerEpoch;

    public double At(int iteration)
    {
        var epoch = iteration / IterationsPerEpoch;
        return Minimum + (Initial - Minimum) * (1 + Math.Cos(Math.PI * epoch / Epochs)) / 2;
    }
}
