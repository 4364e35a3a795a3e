namespace GazeInsight.Metrics;

/// <summary>The conventions of one evaluation: overlap empty-mask policy and surface-distance options.</summary>
public sealed record EvaluationOptions(OverlapPolicy Overlap, SurfaceDistanceOptions Surface)
{
    /// <summary>MONAI-compatible defaults: exact Dice/IoU with NaN for an empty truth; pooled HD95; NaN distances for empty masks.</summary>
    public static EvaluationOptions Default { get; } = new(OverlapPolicy.Monai, SurfaceDistanceOptions.Default);
}
