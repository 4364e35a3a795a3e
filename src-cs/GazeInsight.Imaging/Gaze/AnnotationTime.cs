namespace GazeInsight.Imaging.Gaze;

/// <summary>
/// The paper's annotation-cost metric: how long the gaze annotation took per image (first
/// fixation start to last fixation end; also the summed fixation durations) and in total,
/// compared with dense annotation at <see cref="AnnotationCostOptions"/>.
/// </summary>
public static class AnnotationTime
{
    /// <summary>Summarises a parsed fixation file.</summary>
    public static AnnotationTimeSummary Summarise(FixationTable table, AnnotationCostOptions cost)
    {
        ArgumentNullException.ThrowIfNull(table);
        cost.Validated();
        var rows = new List<AnnotationTimeRow>();
        foreach ((string image, IReadOnlyList<FixationRow> fixations) in table.ByImage())
        {
            double first = fixations.Min(r => r.Fixation.StartMs);
            double last = fixations.Max(r => r.Fixation.StartMs + r.Fixation.DurationMs);
            rows.Add(new AnnotationTimeRow(image, fixations.Count, last - first, fixations.Sum(r => r.Fixation.DurationMs)));
        }
        const double MsPerHour = 3_600_000.0;
        double perMask = cost.EffectiveDenseSecondsPerMask;
        return new AnnotationTimeSummary(
            rows,
            rows.Sum(r => r.SpanMs) / MsPerHour,
            rows.Sum(r => r.FixationMs) / MsPerHour,
            rows.Count * perMask / 3600.0,
            perMask,
            cost.ReferenceDenseHours,
            cost.ReferenceGazeHours,
            cost.ReferenceImages);
    }
}
