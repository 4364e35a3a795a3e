namespace GazeInsight.Imaging.Gaze;

/// <summary>
/// Pseudo-mask quality per threshold and timing, single-threaded: milliseconds per image for the
/// heatmap, the lattice CRF and (where run) the exact CRF; and the mean absolute difference of
/// the lattice and exact CRF marginals (0..1 units) on the images where both ran.
/// </summary>
public sealed record PseudoMaskBenchmarkResult(
    IReadOnlyList<PseudoMaskQuality> Rows,
    int Images,
    double HeatmapMsPerImage,
    double CrfMsPerImage,
    double ExactCrfMsPerImage,
    double LatticeVsExactMeanAbs);
