namespace GazeInsight.Torch.Training;

/// <summary>
/// GazeMedSeg's multi-level baseline: one network per gaze level (soft map >= threshold), all
/// from identical initial weights, trained with BCE and the cross-level consistency of method.md
/// §5; the prediction is the mean of the level logits. Kvasir's two levels are 0.5 and 0.3.
/// The networks' widths are the request's Features and FeatureSize.
/// </summary>
public sealed record GazeMedSeg : MethodOptions
{
    /// <summary>One gaze level per network, distinct, in (0, 1].</summary>
    public required double[] Thresholds { get; init; }
    public required double ConsistencyWeight { get; init; }
    /// <summary>Ramp-up length of the consistency weight (iterations); 0 disables the ramp.</summary>
    public required int RampUp { get; init; }
}
