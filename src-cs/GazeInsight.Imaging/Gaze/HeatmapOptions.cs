namespace GazeInsight.Imaging.Gaze;

/// <summary>
/// Parameters of the gaze heatmap (method.md §2). Sigma is in canvas pixels: 70 for Kvasir-SEG
/// (also used for ISIC and the synthetic set), 50 for NCI-ISBI prostate.
/// </summary>
public sealed record HeatmapOptions
{
    public HeatmapOptions(double sigma = 70.0, int canvasSize = 768, double truncate = 4.0)
    {
        if (!(sigma > 0) || double.IsInfinity(sigma))
        {
            throw new ArgumentOutOfRangeException(nameof(sigma), $"sigma must be a positive number of canvas pixels, got {sigma}");
        }
        if (canvasSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(canvasSize), $"canvas size must be at least 1, got {canvasSize}");
        }
        if (!(truncate > 0) || double.IsInfinity(truncate))
        {
            throw new ArgumentOutOfRangeException(nameof(truncate), $"truncate must be positive, got {truncate}");
        }
        Sigma = sigma;
        CanvasSize = canvasSize;
        Truncate = truncate;
    }

    /// <summary>Gaussian standard deviation in canvas pixels.</summary>
    public double Sigma { get; }

    /// <summary>Side of the square accumulation canvas (768 in the reference).</summary>
    public int CanvasSize { get; }

    /// <summary>Kernel radius in standard deviations (scipy's <c>truncate</c>, 4).</summary>
    public double Truncate { get; }

    /// <summary>Kernel radius in pixels, as scipy computes it: <c>int(truncate * sigma + 0.5)</c>.</summary>
    public int Radius => (int)(Truncate * Sigma + 0.5);

    /// <summary>Kvasir-SEG, ISIC and the synthetic set: sigma 70.</summary>
    public static HeatmapOptions Kvasir { get; } = new(70.0);

    /// <summary>NCI-ISBI prostate: sigma 50.</summary>
    public static HeatmapOptions Prostate { get; } = new(50.0);
}
