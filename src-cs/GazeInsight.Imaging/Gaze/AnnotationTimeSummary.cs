namespace GazeInsight.Imaging.Gaze;

/// <summary>
/// Annotation time over a fixation file: per image rows, totals in hours (span and summed
/// fixation time), the estimated dense-annotation hours for the same images, and the paper's
/// reference figures.
/// </summary>
public sealed record AnnotationTimeSummary(
    IReadOnlyList<AnnotationTimeRow> Rows,
    double GazeSpanHours,
    double GazeFixationHours,
    double DenseHours,
    double DenseSecondsPerMask,
    double ReferenceDenseHours,
    double ReferenceGazeHours,
    int ReferenceImages)
{
    /// <summary>Images with fixations.</summary>
    public int Images => Rows.Count;

    /// <summary>Mean span per image, seconds (NaN without images).</summary>
    public double MeanSpanSeconds => Rows.Count == 0 ? double.NaN : GazeSpanHours * 3600.0 / Rows.Count;

    /// <summary>Dense hours over gaze span hours (how many times cheaper gaze is here).</summary>
    public double SpeedUp => GazeSpanHours > 0 ? DenseHours / GazeSpanHours : double.NaN;

    /// <summary>The paper's dense over gaze hours (18.7 / 2.2 = 8.5).</summary>
    public double ReferenceSpeedUp => ReferenceDenseHours / ReferenceGazeHours;
}
