namespace GazeInsight.Metrics;

/// <summary>Surface-distance metrics of one prediction/truth pair, in physical units.</summary>
/// <param name="Hd">Hausdorff distance: the largest distance in either direction.</param>
/// <param name="Hd95">Percentile Hausdorff distance, per <see cref="SurfaceDistanceOptions.Hd95"/>.</param>
/// <param name="Asd">Directed average surface distance, prediction to truth (MedPy <c>asd(result, reference)</c>).</param>
/// <param name="Assd">Average symmetric surface distance: mean of both directed sets pooled (MedPy <c>assd</c>, MONAI <c>symmetric=True</c>).</param>
/// <param name="Masd">Mean average surface distance: average of the two directed means (MetricsReloaded).</param>
public sealed record SurfaceDistanceResult(double Hd, double Hd95, double Asd, double Assd, double Masd)
{
    /// <summary>Every metric equal to <paramref name="value"/> (the empty-mask cases).</summary>
    public static SurfaceDistanceResult All(double value) => new(value, value, value, value, value);
}
