namespace GazeInsight.Imaging.Gaze;

/// <summary>
/// Parameters of the gaze simulator (docs/gaze.md). A simulated reading of one image is a
/// sequence of fixations: on-target ones inside the true mask (some pulled to the lesion's
/// centre, some sweeping its boundary in angular order), and off-target ones (on look-alike
/// regions where a map of them is given, elsewhere outside the mask otherwise); every position is
/// then jittered by Gaussian noise. Durations are log-normal, fixations shorter than
/// <see cref="MinDurationMs"/> redrawn (the release removed those), fixation starts separated by
/// saccades.
/// </summary>
public sealed record GazeSimulationOptions
{
    /// <summary>Fewest fixations per image.</summary>
    public int MinFixations { get; init; } = 8;

    /// <summary>Most fixations per image (the count is uniform in [min, max]).</summary>
    public int MaxFixations { get; init; } = 20;

    /// <summary>Of the on-target interior fixations, the fraction drawn around the mask's centroid
    /// (the rest uniform over the mask).</summary>
    public double CentreBias { get; init; } = 0.5;

    /// <summary>Standard deviation of centre-biased fixations, in units of the mask's equivalent
    /// radius sqrt(area / pi).</summary>
    public double CentreSpread { get; init; } = 0.5;

    /// <summary>Fraction of the on-target fixations that sweep the mask's boundary in angular order.</summary>
    public double BoundarySweep { get; init; } = 0.3;

    /// <summary>Standard deviation of the Gaussian jitter added to every fixation, in image pixels.</summary>
    public double PositionalNoisePx { get; init; } = 10.0;

    /// <summary>Fraction of fixations that land off the target.</summary>
    public double OffTargetFraction { get; init; } = 0.15;

    /// <summary>Chance, per fixation, of one more fixation on the decoy map given to the simulator
    /// (look-alikes the reader dwells on as on the lesion); 0 = none.</summary>
    public double DecoyDwell { get; init; }
    /// <summary>Boundary-sweep fixations are moved outward by this many mask equivalent radii (0 =
    /// on the edge), so the broad levels of the map spill over the boundary.</summary>
    public double BoundaryOvershoot { get; init; }
    /// <summary>Median fixation duration in ms (log-normal).</summary>
    public double DurationMedianMs { get; init; } = 250.0;

    /// <summary>Log-normal shape: the standard deviation of ln(duration).</summary>
    public double DurationLogSigma { get; init; } = 0.5;

    /// <summary>Shortest fixation kept; shorter draws are redrawn.</summary>
    public double MinDurationMs { get; init; } = 50.0;

    /// <summary>Time before the first fixation starts, ms.</summary>
    public double FirstStartMs { get; init; } = 200.0;

    /// <summary>Saccade time between fixations, uniform in [min, max] ms.</summary>
    public double SaccadeMinMs { get; init; } = 20.0;

    /// <summary>Saccade time between fixations, uniform in [min, max] ms.</summary>
    public double SaccadeMaxMs { get; init; } = 80.0;

    /// <summary>Checks every parameter; throws <see cref="ArgumentException"/> naming the first bad one with its value.</summary>
    public GazeSimulationOptions Validated()
    {
        Require(MinFixations >= 1, $"min fixations must be at least 1, got {MinFixations}");
        Require(MaxFixations >= MinFixations, $"max fixations must be >= min fixations, got {MaxFixations} < {MinFixations}");
        Require(MaxFixations <= 10_000, $"max fixations must be at most 10000, got {MaxFixations}");
        RequireFraction(CentreBias, "centre bias");
        RequireFraction(BoundarySweep, "boundary sweep");
        RequireFraction(OffTargetFraction, "off-target fraction");
        RequireFraction(DecoyDwell, "decoy dwell");
        Require(BoundaryOvershoot >= 0 && BoundaryOvershoot <= 10, $"boundary overshoot must be in [0, 10] radii, got {BoundaryOvershoot}");
        Require(CentreSpread > 0 && double.IsFinite(CentreSpread), $"centre spread must be positive, got {CentreSpread}");
        Require(PositionalNoisePx >= 0 && double.IsFinite(PositionalNoisePx), $"positional noise must be >= 0 px, got {PositionalNoisePx}");
        Require(DurationMedianMs > 0 && double.IsFinite(DurationMedianMs), $"median duration must be positive, got {DurationMedianMs}");
        Require(DurationLogSigma >= 0 && double.IsFinite(DurationLogSigma), $"duration log-sigma must be >= 0, got {DurationLogSigma}");
        Require(MinDurationMs >= 0 && MinDurationMs < DurationMedianMs * 4, $"min duration must be in [0, 4 x median), got {MinDurationMs}");
        Require(FirstStartMs >= 0 && double.IsFinite(FirstStartMs), $"first start must be >= 0 ms, got {FirstStartMs}");
        Require(SaccadeMinMs >= 0 && SaccadeMaxMs >= SaccadeMinMs && double.IsFinite(SaccadeMaxMs), $"saccade range must satisfy 0 <= min <= max, got [{SaccadeMinMs}, {SaccadeMaxMs}]");
        return this;
    }

    private static void RequireFraction(double value, string name) =>
        Require(value >= 0 && value <= 1, $"{name} must be in [0, 1], got {value}");

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException(message);
        }
    }
}
