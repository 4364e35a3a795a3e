namespace GazeInsight.Metrics;

/// <summary>What the surface distances are when one or both masks are empty.</summary>
public enum EmptySurfacePolicy
{
    /// <summary>
    /// Every distance is NaN as soon as either mask is empty: undefined, left out of means and
    /// counted as missing. MONAI also yields nan/inf here (with a warning); MedPy raises an error.
    /// </summary>
    NaN,

    /// <summary>
    /// The set-theoretic values: exactly one mask empty gives +∞ (no surface point has a partner),
    /// both empty gives 0 (nothing to disagree on).
    /// </summary>
    Infinite,
}
