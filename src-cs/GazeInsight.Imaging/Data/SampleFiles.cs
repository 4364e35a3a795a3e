using GazeInsight.Imaging.IO;

namespace GazeInsight.Imaging.Data;

/// <summary>Reading the three kinds of per-sample files (image, mask, gaze map) as training sees them.</summary>
internal static class SampleFiles
{
    public const float MaskThreshold = 127.5f;

    /// <summary>An image as training reads it: 3 channels for RGB data sets, 1 for MRI.</summary>
    public static RasterImage ReadImage(string path, Modality modality)
    {
        var img = ReadAny(path);
        return modality switch
        {
            Modality.Rgb when img.Channels == 1 => new RasterImage(3, img.Height, img.Width, [.. img.Pixels, .. img.Pixels, .. img.Pixels]),
            Modality.Mri when img.Channels == 3 => new RasterImage(1, img.Height, img.Width, Gray(img)),
            _ => img,
        };
    }

    /// <summary>Any supported raster file: DICOM by extension, PNG/JPEG/BMP by content.</summary>
    public static RasterImage ReadAny(string path) =>
        Path.GetExtension(path).Equals(".dcm", StringComparison.OrdinalIgnoreCase)
            ? DicomFile.Read(path).ToRasterImage()
            : ImageFile.Read(path);

    /// <summary>Binary mask (1 = foreground) from an 8-bit gray or colour file, thresholded at 127.5.</summary>
    public static (byte[] Mask, int Height, int Width) ReadMask(string path)
    {
        var img = ImageFile.Read(path);
        var g = Gray(img);
        var m = new byte[g.Length];
        for (int i = 0; i < g.Length; i++) m[i] = g[i] > MaskThreshold ? (byte)1 : (byte)0;
        return (m, img.Height, img.Width);
    }

    /// <summary>Soft gaze map in [0, 1] (gray level / 255).</summary>
    public static (float[] Map, int Height, int Width) ReadGazeMap(string path)
    {
        var img = ImageFile.Read(path);
        var g = Gray(img);
        for (int i = 0; i < g.Length; i++) g[i] /= 255f;
        return (g, img.Height, img.Width);
    }

    /// <summary>
    /// Gray levels of a 1- or 3-channel image; colour is reduced as PIL's <c>convert('L')</c>
    /// does (ITU-R 601 weights in 16-bit fixed point, rounded), so masks threshold as in the reference.
    /// </summary>
    public static float[] Gray(RasterImage img)
    {
        int n = img.Height * img.Width;
        if (img.Channels == 1) return img.Pixels[..n];
        var g = new float[n];
        var p = img.Pixels;
        for (int i = 0; i < n; i++)
        {
            int r = (int)p[i], gr = (int)p[n + i], b = (int)p[2 * n + i];
            g[i] = (r * 19595 + gr * 38470 + b * 7471 + 0x8000) >> 16;
        }
        return g;
    }

    public static void CheckSameSize(string file, RasterImage image, int height, int width)
    {
        if (height != image.Height || width != image.Width)
            throw new InvalidInputException(file, null,
                $"size {width}x{height} differs from its image's {image.Width}x{image.Height}");
    }
}
