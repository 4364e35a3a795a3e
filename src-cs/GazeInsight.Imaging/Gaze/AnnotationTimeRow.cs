namespace GazeInsight.Imaging.Gaze;

/// <summary>
/// Gaze annotation time of one image: <c>SpanMs</c> from the first fixation's start to the last
/// fixation's end (start + duration), <c>FixationMs</c> the summed fixation durations.
/// </summary>
public sealed record AnnotationTimeRow(string Image, int Fixations, double SpanMs, double FixationMs);
