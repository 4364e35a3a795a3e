namespace GazeInsight.Torch.Training;

/// <summary>
/// How a training step computes, not what: number format and memory layout (train.precision,
/// train.channels_last). Evaluation and prediction always run the fp32 master weights.
/// </summary>
public sealed record ComputeOptions
{
    public required Precision Precision { get; init; }

    /// <summary>Inputs and convolution weights in channels-last (NHWC) memory order; the values are the same.</summary>
    public required bool ChannelsLast { get; init; }
}
