using GazeInsight.Imaging.Data;

namespace GazeInsight.Imaging.Gaze;

/// <summary>
/// Fixations of one image to its heatmap and CRF-refined map (method.md §2). The CRF reads the
/// 8-bit heatmap as stored (p = value / 255), as the reference reads its saved heatmap files.
/// </summary>
public static class GazeMapBuilder
{
    /// <summary>Builds both maps at the image's size.</summary>
    public static GazeMaps Build(RasterImage image, IReadOnlyList<Fixation> fixations, HeatmapOptions heatmap, DenseCrfOptions crf)
    {
        ArgumentNullException.ThrowIfNull(image);
        byte[] heat = GazeHeatmap.ToBytes(GazeHeatmap.Build(fixations, image.Width, image.Height, heatmap));
        byte[] refined = Refine(image, heat, crf);
        return new GazeMaps(image.Width, image.Height, heat, refined);
    }

    /// <summary>The CRF refinement of a stored 8-bit heatmap, as an 8-bit map.</summary>
    public static byte[] Refine(RasterImage image, ReadOnlySpan<byte> heatmap, DenseCrfOptions crf)
    {
        float[] prior = GazeHeatmap.FromBytes(heatmap);
        float[] pixels = CrfIntensities(image);
        return GazeHeatmap.ToBytes(DenseCrf.Refine(pixels, image.Channels, image.Width, image.Height, prior, crf));
    }

    /// <summary>
    /// The intensities the CRF's colour std applies to: 8-bit images as they are; anything else
    /// (raw DICOM values) min-max scaled to 0..255 per image, the scale the reference's 8-bit
    /// inputs have.
    /// </summary>
    public static float[] CrfIntensities(RasterImage image)
    {
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        foreach (float v in image.Pixels)
        {
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }
        if (min >= 0 && max <= 255)
        {
            return image.Pixels;
        }
        float range = max - min;
        var scaled = new float[image.Pixels.Length];
        for (int i = 0; i < scaled.Length; i++)
        {
            scaled[i] = range > 0 ? (image.Pixels[i] - min) / range * 255f : 0f;
        }
        return scaled;
    }
}
