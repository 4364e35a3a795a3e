namespace GazeInsight.Imaging.Gaze;

/// <summary>How the dense CRF's bilateral message passing is computed.</summary>
public enum BilateralFilterKind
{
    /// <summary>Permutohedral lattice (as the reference's densecrf): linear time, approximate.</summary>
    Permutohedral,

    /// <summary>The exact sum over all pixel pairs: quadratic time, for small images and for
    /// measuring the lattice's approximation.</summary>
    Exact,
}
