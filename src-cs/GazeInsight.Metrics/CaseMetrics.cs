namespace GazeInsight.Metrics;

/// <summary>
/// Every metric of one case (an image or a volume); NaN = undefined, +∞ = infinite.
/// Distances are in physical units (pixels when the spacing is 1).
/// </summary>
public sealed record CaseMetrics(
    string Case,
    double Dice,
    double IoU,
    double Hd,
    double Hd95,
    double Asd,
    double Assd,
    double Masd)
{
    /// <summary>The metric names in column order, as in the per-case CSV.</summary>
    public static IReadOnlyList<string> Names { get; } = ["dice", "iou", "hd", "hd95", "asd", "assd", "masd"];

    /// <summary>The metric values in the order of <see cref="Names"/>.</summary>
    public IReadOnlyList<double> Values => [Dice, IoU, Hd, Hd95, Asd, Assd, Masd];
}
