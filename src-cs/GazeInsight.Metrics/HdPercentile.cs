namespace GazeInsight.Metrics;

/// <summary>Which distances the percentile Hausdorff distance (HD95) is taken over.</summary>
public enum HdPercentile
{
    /// <summary>Percentile of both directed sets pooled together (MedPy <c>hd95</c>).</summary>
    Pooled,

    /// <summary>The larger of the two directed percentiles (MONAI, MetricsReloaded).</summary>
    DirectedMax,
}
