namespace GazeInsight.Metrics;

/// <summary>Foreground voxel counts of a prediction/truth pair: |P|, |G| and |P∩G|.</summary>
public readonly record struct OverlapCounts(long Prediction, long Truth, long Intersection)
{
    /// <summary>|P∪G|.</summary>
    public long Union => Prediction + Truth - Intersection;

    /// <summary>Sums counts, e.g. slices of one volume.</summary>
    public static OverlapCounts operator +(OverlapCounts a, OverlapCounts b) =>
        new(a.Prediction + b.Prediction, a.Truth + b.Truth, a.Intersection + b.Intersection);
}
