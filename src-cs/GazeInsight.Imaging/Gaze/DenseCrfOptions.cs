namespace GazeInsight.Imaging.Gaze;

/// <summary>
/// The fully connected CRF of method.md §2: two labels, one bilateral (appearance) kernel with
/// spatial std 80 px and colour std 13, Potts weight 1, symmetric normalisation, 10 mean-field
/// iterations, unary <c>-log(clip([1-p, p], 1e-5, 1))</c>.
/// </summary>
public sealed record DenseCrfOptions
{
    /// <summary>Spatial standard deviation of the bilateral kernel, pixels.</summary>
    public double SpatialStd { get; init; } = 80.0;

    /// <summary>Colour standard deviation of the bilateral kernel, in 0..255 intensity units.</summary>
    public double ColourStd { get; init; } = 13.0;

    /// <summary>Potts compatibility weight of the bilateral kernel.</summary>
    public double PottsWeight { get; init; } = 1.0;

    /// <summary>Mean-field iterations.</summary>
    public int Iterations { get; init; } = 10;

    /// <summary>Lower clip of the label probabilities before the log.</summary>
    public double ClipMin { get; init; } = 1e-5;

    /// <summary>How the bilateral filter is computed.</summary>
    public BilateralFilterKind Filter { get; init; } = BilateralFilterKind.Permutohedral;

    /// <summary>Checks every option; throws <see cref="ArgumentException"/> naming the first bad one with its value.</summary>
    public DenseCrfOptions Validated()
    {
        if (!(SpatialStd > 0) || !double.IsFinite(SpatialStd))
        {
            throw new ArgumentException($"CRF spatial std must be positive, got {SpatialStd}");
        }
        if (!(ColourStd > 0) || !double.IsFinite(ColourStd))
        {
            throw new ArgumentException($"CRF colour std must be positive, got {ColourStd}");
        }
        if (!double.IsFinite(PottsWeight))
        {
            throw new ArgumentException($"CRF Potts weight must be finite, got {PottsWeight}");
        }
        if (Iterations < 0 || Iterations > 1000)
        {
            throw new ArgumentException($"CRF iterations must be in 0..1000, got {Iterations}");
        }
        if (!(ClipMin > 0 && ClipMin < 0.5))
        {
            throw new ArgumentException($"CRF clip minimum must be in (0, 0.5), got {ClipMin}");
        }
        return this;
    }
}
