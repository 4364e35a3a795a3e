namespace GazeInsight.Imaging.Gaze;

/// <summary>
/// The dense-annotation cost the gaze time is compared with. Default from the paper (TMI
/// version): 18.7 h for pixel masks vs 2.2 h for gaze over a data set; we take that data set to
/// be Kvasir-SEG's 1000 images (an assumption: the paper does not say), i.e. 67.3 s per mask.
/// </summary>
public sealed record AnnotationCostOptions
{
    /// <summary>Hours of dense (pixel mask) annotation in the reference.</summary>
    public double ReferenceDenseHours { get; init; } = 18.7;

    /// <summary>Hours of gaze annotation in the reference.</summary>
    public double ReferenceGazeHours { get; init; } = 2.2;

    /// <summary>Images the reference hours cover.</summary>
    public int ReferenceImages { get; init; } = 1000;

    /// <summary>Seconds of dense annotation per mask; null = ReferenceDenseHours / ReferenceImages.</summary>
    public double? DenseSecondsPerMask { get; init; }

    /// <summary>The per-mask dense cost actually used, seconds.</summary>
    public double EffectiveDenseSecondsPerMask => DenseSecondsPerMask ?? ReferenceDenseHours * 3600.0 / ReferenceImages;

    /// <summary>Checks every option; throws <see cref="ArgumentException"/> naming the first bad one with its value.</summary>
    public AnnotationCostOptions Validated()
    {
        if (!(ReferenceDenseHours > 0) || !(ReferenceGazeHours > 0))
        {
            throw new ArgumentException($"reference hours must be positive, got dense {ReferenceDenseHours}, gaze {ReferenceGazeHours}");
        }
        if (ReferenceImages < 1)
        {
            throw new ArgumentException($"reference images must be at least 1, got {ReferenceImages}");
        }
        if (DenseSecondsPerMask is double s && !(s > 0))
        {
            throw new ArgumentException($"dense seconds per mask must be positive, got {s}");
        }
        return this;
    }
}
