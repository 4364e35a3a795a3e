namespace GazeInsight.Metrics;

/// <summary>
/// Dice and IoU of binary masks stored one byte per voxel (nonzero = foreground), in any
/// dimension: the spans are the flattened masks and must have the same length.
/// </summary>
public static class Overlap
{
    /// <summary>Counts |P|, |G| and |P∩G|.</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static OverlapCounts Count(ReadOnlySpan<byte> prediction, ReadOnlySpan<byte> truth)
    {
        if (prediction.Length != truth.Length)
        {
            throw new ArgumentException(
                $"prediction has {prediction.Length} voxels but truth has {truth.Length}", nameof(truth));
        }

        var (p, g, both) = ByteOps.CountNonzero(prediction, truth);
        return new OverlapCounts(p, g, both);
    }

    /// <summary>Dice 2|P∩G|/(|P|+|G|+1e-7): the reference convention of the training reports (both empty gives 0).</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static double Dice(ReadOnlySpan<byte> prediction, ReadOnlySpan<byte> truth) =>
        Dice(Count(prediction, truth), OverlapPolicy.Reference);

    /// <summary>IoU |P∩G|/(|P∪G|+1e-7): the reference convention of the training reports (both empty gives 0).</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static double IoU(ReadOnlySpan<byte> prediction, ReadOnlySpan<byte> truth) =>
        IoU(Count(prediction, truth), OverlapPolicy.Reference);

    /// <summary>Dice under an explicit empty-mask policy.</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static double Dice(ReadOnlySpan<byte> prediction, ReadOnlySpan<byte> truth, OverlapPolicy policy) =>
        Dice(Count(prediction, truth), policy);

    /// <summary>IoU under an explicit empty-mask policy.</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static double IoU(ReadOnlySpan<byte> prediction, ReadOnlySpan<byte> truth, OverlapPolicy policy) =>
        IoU(Count(prediction, truth), policy);

    /// <summary>Dice from counts (e.g. summed over the slices of a volume).</summary>
    public static double Dice(OverlapCounts counts, OverlapPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (Special(counts, policy) is double special)
        {
            return special;
        }

        return 2.0 * counts.Intersection / (counts.Prediction + counts.Truth + policy.Epsilon);
    }

    /// <summary>IoU from counts (e.g. summed over the slices of a volume).</summary>
    public static double IoU(OverlapCounts counts, OverlapPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (Special(counts, policy) is double special)
        {
            return special;
        }

        return counts.Intersection / (counts.Union + policy.Epsilon);
    }

    private static double? Special(OverlapCounts counts, OverlapPolicy policy)
    {
        if (counts.Truth == 0 && policy.EmptyTruthIsNaN)
        {
            return double.NaN;
        }

        if (counts.Truth == 0 && counts.Prediction == 0)
        {
            return policy.Resolve(policy.BothEmpty);
        }

        // Exact ratio with one side empty is 0/|P| = 0, never 0/0: the formula handles it.
        return null;
    }
}
