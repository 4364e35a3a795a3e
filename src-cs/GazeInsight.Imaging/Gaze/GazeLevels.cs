namespace GazeInsight.Imaging.Gaze;

/// <summary>
/// Multi-level binary masks from a soft gaze map (method.md §2): <c>mask = map &gt;= threshold</c>
/// per level. With two levels the higher threshold gives the smaller, high-confidence mask M_hc
/// (teacher) and the lower one the broad, noisy mask M_bc (student). The map is expected already
/// resized to the training size (bilinear), as the reference does before thresholding.
/// </summary>
public static class GazeLevels
{
    /// <summary>Kvasir-SEG and ISIC: 0.5 and 0.3.</summary>
    public static IReadOnlyList<double> Kvasir { get; } = [0.5, 0.3];

    /// <summary>NCI-ISBI prostate: 0.4 and 0.2.</summary>
    public static IReadOnlyList<double> Prostate { get; } = [0.4, 0.2];

    /// <summary>GazeMedSeg's 1 to 5 Kvasir levels.</summary>
    public static IReadOnlyList<double> GazeMedSeg(int levels) => levels switch
    {
        1 => [0.5],
        2 => [0.5, 0.3],
        3 => [0.5, 0.3, 0.4],
        4 => [0.5, 0.3, 0.367, 0.433],
        5 => [0.5, 0.3, 0.35, 0.4, 0.45],
        _ => throw new ArgumentOutOfRangeException(nameof(levels), $"GazeMedSeg defines 1 to 5 levels, got {levels}"),
    };

    /// <summary>One 0/1 mask: 1 where <c>map[i] &gt;= threshold</c>.</summary>
    public static byte[] Binarise(ReadOnlySpan<float> map, double threshold)
    {
        if (!(threshold >= 0 && threshold <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), $"threshold must be in [0, 1], got {threshold}");
        }
        var mask = new byte[map.Length];
        for (int i = 0; i < map.Length; i++)
        {
            mask[i] = map[i] >= threshold ? (byte)1 : (byte)0;
        }
        return mask;
    }

    /// <summary>One 0/1 mask per threshold, in the given order.</summary>
    public static IReadOnlyList<byte[]> Binarise(ReadOnlySpan<float> map, IReadOnlyList<double> thresholds)
    {
        var masks = new byte[thresholds.Count][];
        for (int k = 0; k < thresholds.Count; k++)
        {
            masks[k] = Binarise(map, thresholds[k]);
        }
        return masks;
    }
}
