namespace GazeInsight.Imaging.Gaze;

/// <summary>
/// Mean per-image Dice, against the true masks, of the gaze maps binarised with
/// <c>&gt;= Threshold</c>: the heatmap and its CRF refinement over all images; on the first
/// ExactImages images (NaN when none) the CRF with the exact bilateral filter and, for a like
/// comparison, the lattice CRF on those same images.
/// </summary>
public sealed record PseudoMaskQuality(
    double Threshold,
    double HeatmapDice,
    double CrfDice,
    int Images,
    double ExactCrfDice,
    double LatticeCrfDiceOnExactImages,
    int ExactImages);
