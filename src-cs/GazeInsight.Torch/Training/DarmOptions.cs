namespace GazeInsight.Torch.Training;

/// <summary>DARM setting: <see cref="DarmOff"/> or <see cref="DarmMasking"/>.</summary>
public abstract record DarmOptions
{
    private protected DarmOptions() { }
}

/// <summary>No masking ("without DARM").</summary>
public sealed record DarmOff : DarmOptions;

/// <summary>
/// Masking of squares of side MinPatch..MaxPatch centred on pixels of the disagreement region,
/// until their summed area reaches Ratio times its pixel count; the student's image gets Fill and
/// its label background there.
/// </summary>
public sealed record DarmMasking(DarmRegion Region, double Ratio, int MinPatch, int MaxPatch, double Fill) : DarmOptions;

/// <summary>Where DARM looks for disagreement.</summary>
public enum DarmRegion
{
    /// <summary>Where the two gaze masks differ (released code).</summary>
    GazeDisagreement,
    /// <summary>Where teacher and student predictions differ (paper).</summary>
    PredictionDisagreement,
}
