namespace GazeInsight.Torch.Losses;

/// <summary>Sigmoid-shaped ramp-up of the consistency and alignment weights (method.md §5).</summary>
public static class RampUp
{
    /// <summary>w(t) = exp(-5 (1 - min(t, T)/T)^2); a length of 0 means no ramp (w = 1).</summary>
    public static double Weight(int iteration, int length)
    {
        if (length < 0) throw new ArgumentException($"ramp-up length must be >= 0, got {length}");
        if (length == 0) return 1.0;
        var phase = 1.0 - Math.Min(Math.Max(iteration, 0), length) / (double)length;
        return Math.Exp(-5.0 * phase * phase);
    }
}
