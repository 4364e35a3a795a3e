namespace GazeInsight.Torch.Training;

/// <summary>
/// GazeMedSeg's multi-level baseline: one network per gaze level (soft map >= threshold), all
/// from identical initial weights, trained with BCE and the cross-level consistency of method.md
/// §5; the prediction is the mean of the level logits. Kvasir's two levels are 0.5 and 0.3.
/// </summary>
public sealed record GazeMedSeg(double[] Thresholds) : MethodOptions
{
    public double ConsistencyWeight { get; init; } = 3.0;
    /// <summary>Ramp-up length of the consistency weight (iterations); 0 disables the ramp.</summary>
    public int RampUp { get; init; } = 4000;
    public int FeatureSize { get; init; } = 128;
}
