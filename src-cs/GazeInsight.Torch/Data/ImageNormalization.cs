using GazeInsight.Imaging.Data;

namespace GazeInsight.Torch.Data;

/// <summary>Intensity normalisation of method.md §7, applied to images at their native size.</summary>
public static class ImageNormalization
{
    private static readonly float[] ImageNetMean = [0.485f, 0.456f, 0.406f];
    private static readonly float[] ImageNetStd = [0.229f, 0.224f, 0.225f];

    /// <summary>Returns normalised CHW pixels: RGB -> ImageNet mean/std of x/255; MRI -> z-score per slice (population std).</summary>
    public static float[] Apply(RasterImage image, Modality modality) => modality switch
    {
        Modality.Rgb => ImageNet(image),
        Modality.Mri => ZScore(image.Pixels),
        _ => throw new ArgumentOutOfRangeException(nameof(modality), modality, null),
    };

    private static float[] ImageNet(RasterImage image)
    {
        if (image.Channels != 3)
            throw new ArgumentException($"ImageNet normalisation needs 3 channels, got {image.Channels}");
        var plane = image.Height * image.Width;
        var result = new float[image.Pixels.Length];
        for (var c = 0; c < 3; c++)
        {
            float mean = ImageNetMean[c], std = ImageNetStd[c];
            for (var i = c * plane; i < (c + 1) * plane; i++)
                result[i] = (image.Pixels[i] / 255f - mean) / std;
        }
        return result;
    }

    private static float[] ZScore(float[] pixels)
    {
        double sum = 0, sumSquares = 0;
        foreach (var p in pixels) { sum += p; sumSquares += (double)p * p; }
        var mean = sum / pixels.Length;
        var std = Math.Sqrt(Math.Max(0, sumSquares / pixels.Length - mean * mean));
        // a constant slice has no contrast to scale: centre it only
        var scale = std > 0 ? 1 / std : 1;
        var result = new float[pixels.Length];
        for (var i = 0; i < pixels.Length; i++) result[i] = (float)((pixels[i] - mean) * scale);
        return result;
    }
}
