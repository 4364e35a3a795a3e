namespace GazeInsight.Metrics;

/// <summary>Conventions of the surface-distance metrics.</summary>
/// <param name="Hd95">Pooled (MedPy, the default) or directed-max (MONAI, MetricsReloaded) HD95.</param>
/// <param name="Empty">Empty-mask policy, NaN by default.</param>
/// <param name="Percentile">The percentile of the "HD95" value, in [0, 100]; 95 by default.</param>
public sealed record SurfaceDistanceOptions(
    HdPercentile Hd95 = HdPercentile.Pooled,
    EmptySurfacePolicy Empty = EmptySurfacePolicy.NaN,
    double Percentile = 95.0)
{
    /// <summary>Pooled HD95, NaN for empty masks.</summary>
    public static SurfaceDistanceOptions Default { get; } = new();

    /// <summary>Checks the percentile.</summary>
    /// <exception cref="ArgumentException">Percentile outside [0, 100].</exception>
    public SurfaceDistanceOptions Validated()
    {
        if (!(Percentile >= 0 && Percentile <= 100))
        {
            throw new ArgumentException($"percentile must be in [0, 100], got {Percentile}", nameof(Percentile));
        }

        return this;
    }
}
