using System.Buffers.Binary;
using GazeInsight.Imaging.Data;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Memory;
using SixLabors.ImageSharp.PixelFormats;

namespace GazeInsight.Imaging.IO;

/// <summary>
/// PNG / JPEG / BMP reading and 8-bit PNG / JPEG writing through ImageSharp 2.1, with only
/// those three codecs registered and limits against decompression bombs.
/// </summary>
public static class ImageFile
{
    /// <summary>Largest accepted width or height.</summary>
    public const int MaxSide = 32768;

    /// <summary>Largest accepted pixel count (about 10000 x 10000; ISIC photographs are 0.5..40 Mpx).</summary>
    public const long MaxPixels = 100_000_000;

    /// <summary>Largest accepted file size in bytes.</summary>
    public const long MaxFileBytes = 512L << 20;

    /// <summary>JPEG quality used by the writers (OpenCV's default, which the reference maps used).</summary>
    public const int JpegQuality = 95;

    // Built once and never changed afterwards: only the codecs we need (ImageSharp has had CVEs
    // in the others) and an allocation cap, so a crafted header cannot make it allocate gigabytes.
    private static readonly Configuration Codecs = CreateConfiguration();

    private static Configuration CreateConfiguration() =>
        new(new PngConfigurationModule(), new JpegConfigurationModule(), new BmpConfigurationModule())
        {
            MemoryAllocator = MemoryAllocator.Create(new MemoryAllocatorOptions
            {
                AllocationLimitMegabytes = 1024,
                MaximumPoolSizeMegabytes = 64,
            }),
        };

    /// <summary>
    /// Reads a PNG, JPEG or BMP file (the format is detected from the content, not the name).
    /// Grayscale files give 1 channel, colour files 3 (RGB; alpha is dropped).
    /// </summary>
    /// <returns>CHW pixels as stored, 0..255 (16-bit PNGs are scaled by 1/257).</returns>
    /// <exception cref="InvalidInputException">missing, unreadable, corrupt, truncated or oversized file.</exception>
    public static RasterImage Read(string path)
    {
        var bytes = ReadAllBytesChecked(path, MaxFileBytes);
        return Decode(path, bytes);
    }

    /// <summary>Decodes an in-memory PNG/JPEG/BMP; <paramref name="nameForErrors"/> names it in messages.</summary>
    /// <exception cref="InvalidInputException">corrupt, truncated or oversized content.</exception>
    public static RasterImage Decode(string nameForErrors, byte[] bytes)
    {
        try
        {
            var info = Image.Identify(Codecs, bytes, out var format);
            if (info is null || format is null)
                throw new InvalidInputException(nameForErrors, null, "not a PNG, JPEG or BMP image");
            CheckSize(nameForErrors, info.Width, info.Height);
            // ImageSharp decodes truncated files without complaint (the missing part comes out
            // gray or black); a truncated training image must not pass silently.
            if (format is PngFormat) CheckPngStructure(nameForErrors, bytes);
            else if (format is JpegFormat) CheckJpegStructure(nameForErrors, bytes);
            else if (format is BmpFormat) CheckBmpStructure(nameForErrors, bytes, info);
            return DecodePixels(bytes, format, info);
        }
        catch (InvalidInputException)
        {
            throw;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Whatever a decoder throws on a malformed file (its own format exceptions, and in
            // practice also index or argument errors from deep inside) is a problem with the
            // user's file, not with our program.
            throw new InvalidInputException(nameForErrors, null, $"cannot decode image: {ex.Message}", ex);
        }
    }

    // Walks the chunk list: every chunk inside the file, its CRC right, and IEND present.
    private static void CheckPngStructure(string file, byte[] b)
    {
        long pos = 8;
        while (true)
        {
            if (pos + 12 > b.Length)
                throw new InvalidInputException(file, $"byte {pos}", "PNG is truncated (no IEND chunk)");
            uint len = BinaryPrimitives.ReadUInt32BigEndian(b.AsSpan((int)pos));
            if (len > int.MaxValue || pos + 12 + len > b.Length)
                throw new InvalidInputException(file, $"byte {pos}", $"PNG chunk of {len} bytes runs past the end of the file (truncated)");
            var typeAndData = b.AsSpan((int)pos + 4, 4 + (int)len);
            uint stored = BinaryPrimitives.ReadUInt32BigEndian(b.AsSpan((int)(pos + 8 + len)));
            if (Crc32(typeAndData) != stored)
                throw new InvalidInputException(file, $"byte {pos}",
                    $"PNG chunk '{System.Text.Encoding.ASCII.GetString(typeAndData[..4])}' has a wrong CRC (corrupt file)");
            if (typeAndData[..4].SequenceEqual("IEND"u8)) return;
            pos += 12 + len;
        }
    }

    // Segments up to the first scan, then an end-of-image marker somewhere after it.
    private static void CheckJpegStructure(string file, byte[] b)
    {
        int pos = 2;
        while (true)
        {
            if (pos + 4 > b.Length)
                throw new InvalidInputException(file, $"byte {pos}", "JPEG is truncated before its image data");
            if (b[pos] != 0xFF)
                throw new InvalidInputException(file, $"byte {pos}", $"JPEG marker expected, found 0x{b[pos]:X2} (corrupt file)");
            byte marker = b[pos + 1];
            if (marker == 0xFF) { pos++; continue; } // fill byte
            if (marker == 0xD8 || marker is >= 0xD0 and <= 0xD7 || marker == 0x01) { pos += 2; continue; }
            int len = (b[pos + 2] << 8) | b[pos + 3];
            if (len < 2 || pos + 2 + len > b.Length)
                throw new InvalidInputException(file, $"byte {pos}", $"JPEG segment 0x{marker:X2} runs past the end of the file (truncated)");
            pos += 2 + len;
            if (marker == 0xDA) break;
        }
        for (int i = pos; i + 1 < b.Length; i++)
            if (b[i] == 0xFF && b[i + 1] == 0xD9) return;
        throw new InvalidInputException(file, null, "JPEG is truncated (no end-of-image marker after the image data)");
    }

    private static void CheckBmpStructure(string file, byte[] b, IImageInfo info)
    {
        if (b.Length < 30) throw new InvalidInputException(file, null, "BMP header is truncated");
        uint offset = BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(10));
        int bpp = BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(28));
        uint compression = b.Length >= 34 ? BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(30)) : 0;
        // Only uncompressed rows (BI_RGB, BI_BITFIELDS) have a known size.
        if (compression is 0 or 3 && bpp is 1 or 4 or 8 or 16 or 24 or 32)
        {
            long rowBytes = ((long)info.Width * bpp + 31) / 32 * 4;
            long need = offset + rowBytes * info.Height;
            if (need > b.Length)
                throw new InvalidInputException(file, null, $"BMP is truncated: {info.Width}x{info.Height} at {bpp} bits needs {need} bytes, the file has {b.Length}");
        }
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (var x in data)
        {
            crc ^= x;
            for (int k = 0; k < 8; k++)
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }

    private static void CheckSize(string file, int width, int height)
    {
        if (width <= 0 || height <= 0)
            throw new InvalidInputException(file, null, $"image has no pixels ({width}x{height})");
        if (width > MaxSide || height > MaxSide || (long)width * height > MaxPixels)
            throw new InvalidInputException(file, null,
                $"image is {width}x{height}, over the limit of {MaxSide} per side and {MaxPixels} pixels (refused as a possible decompression bomb)");
    }

    private static RasterImage DecodePixels(byte[] bytes, IImageFormat format, IImageInfo info)
    {
        bool gray;
        bool sixteen = false;
        switch (format)
        {
            case PngFormat:
                var png = info.Metadata.GetPngMetadata();
                gray = png.ColorType is PngColorType.Grayscale or PngColorType.GrayscaleWithAlpha;
                sixteen = png.BitDepth == PngBitDepth.Bit16;
                break;
            case JpegFormat:
                gray = info.Metadata.GetJpegMetadata().ColorType == JpegColorType.Luminance;
                break;
            default:
                // A BMP of 8 bits or less is palette based: gray only if the palette is; decided below.
                gray = false;
                break;
        }

        if (gray)
        {
            if (sixteen)
            {
                using var img16 = Image.Load<L16>(Codecs, bytes);
                var px = new L16[img16.Width * img16.Height];
                img16.CopyPixelDataTo(px);
                var f = new float[px.Length];
                for (int i = 0; i < px.Length; i++) f[i] = px[i].PackedValue / 257f;
                return new RasterImage(1, img16.Height, img16.Width, f);
            }

            using var img = Image.Load<L8>(Codecs, bytes);
            var p8 = new L8[img.Width * img.Height];
            img.CopyPixelDataTo(p8);
            var g = new float[p8.Length];
            for (int i = 0; i < p8.Length; i++) g[i] = p8[i].PackedValue;
            return new RasterImage(1, img.Height, img.Width, g);
        }

        if (sixteen)
        {
            using var img48 = Image.Load<Rgb48>(Codecs, bytes);
            var px = new Rgb48[img48.Width * img48.Height];
            img48.CopyPixelDataTo(px);
            int n = px.Length;
            var f = new float[3 * n];
            for (int i = 0; i < n; i++)
            {
                f[i] = px[i].R / 257f;
                f[n + i] = px[i].G / 257f;
                f[2 * n + i] = px[i].B / 257f;
            }
            return new RasterImage(3, img48.Height, img48.Width, f);
        }

        using var rgb = Image.Load<Rgb24>(Codecs, bytes);
        var c = new Rgb24[rgb.Width * rgb.Height];
        rgb.CopyPixelDataTo(c);
        if (format is BmpFormat && info.PixelType.BitsPerPixel <= 8 && AllGray(c))
        {
            var g = new float[c.Length];
            for (int i = 0; i < c.Length; i++) g[i] = c[i].R;
            return new RasterImage(1, rgb.Height, rgb.Width, g);
        }

        int m = c.Length;
        var planes = new float[3 * m];
        for (int i = 0; i < m; i++)
        {
            planes[i] = c[i].R;
            planes[m + i] = c[i].G;
            planes[2 * m + i] = c[i].B;
        }
        return new RasterImage(3, rgb.Height, rgb.Width, planes);
    }

    private static bool AllGray(ReadOnlySpan<Rgb24> pixels)
    {
        foreach (var p in pixels)
            if (p.R != p.G || p.G != p.B) return false;
        return true;
    }

    /// <summary>
    /// Writes an 8-bit grayscale image; the format follows the extension (.png, .jpg, .jpeg).
    /// The file appears complete or not at all (written to a temporary name, then renamed).
    /// </summary>
    /// <param name="path">destination file; its folder is created if missing.</param>
    /// <param name="width">image width in pixels.</param>
    /// <param name="height">image height in pixels.</param>
    /// <param name="pixels">height*width bytes, row-major.</param>
    public static void WriteGray8(string path, int width, int height, ReadOnlySpan<byte> pixels)
    {
        CheckBuffer(width, height, 1, pixels.Length);
        var encoder = EncoderFor(path, gray: true);
        using var img = Image.LoadPixelData<L8>(Codecs, pixels, width, height);
        SaveAtomically(path, img, encoder);
    }

    /// <summary>Writes an 8-bit RGB image (format by extension, atomically as <see cref="WriteGray8"/>).</summary>
    /// <param name="path">destination file; its folder is created if missing.</param>
    /// <param name="width">image width in pixels.</param>
    /// <param name="height">image height in pixels.</param>
    /// <param name="rgbInterleaved">height*width*3 bytes, row-major, R G B per pixel.</param>
    public static void WriteRgb8(string path, int width, int height, ReadOnlySpan<byte> rgbInterleaved)
    {
        CheckBuffer(width, height, 3, rgbInterleaved.Length);
        var encoder = EncoderFor(path, gray: false);
        using var img = Image.LoadPixelData<Rgb24>(Codecs, rgbInterleaved, width, height);
        SaveAtomically(path, img, encoder);
    }

    private static void CheckBuffer(int width, int height, int channels, int length)
    {
        if (width <= 0 || height <= 0)
            throw new ArgumentOutOfRangeException(nameof(width), $"image size must be positive, got {width}x{height}");
        if ((long)width * height * channels != length)
            throw new ArgumentException($"expected {width}x{height}x{channels} = {(long)width * height * channels} bytes, got {length}");
    }

    private static IImageEncoder EncoderFor(string path, bool gray)
    {
        var ext = Path.GetExtension(path).ToLowerInvariant();
        return ext switch
        {
            ".png" => new PngEncoder
            {
                ColorType = gray ? PngColorType.Grayscale : PngColorType.Rgb,
                BitDepth = PngBitDepth.Bit8,
            },
            ".jpg" or ".jpeg" => new JpegEncoder
            {
                Quality = JpegQuality,
                ColorType = gray ? JpegColorType.Luminance : JpegColorType.YCbCrRatio420,
            },
            _ => throw new ArgumentException($"cannot write '{path}': the extension must be .png, .jpg or .jpeg"),
        };
    }

    private static void SaveAtomically(string path, Image img, IImageEncoder encoder) =>
        AtomicFile.Write(path, stream => img.Save(stream, encoder));

    /// <summary>Reads a whole file, turning absence, I/O errors and excess size into <see cref="InvalidInputException"/>.</summary>
    internal static byte[] ReadAllBytesChecked(string path, long maxBytes)
    {
        try
        {
            using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            if (fs.Length > maxBytes)
                throw new InvalidInputException(path, null, $"file is {fs.Length} bytes, over the limit of {maxBytes}");
            if (fs.Length == 0)
                throw new InvalidInputException(path, null, "file is empty");
            var buffer = new byte[fs.Length];
            fs.ReadExactly(buffer);
            return buffer;
        }
        catch (FileNotFoundException)
        {
            throw new InvalidInputException(path, null, "file not found");
        }
        catch (DirectoryNotFoundException)
        {
            throw new InvalidInputException(path, null, "file not found (its folder does not exist)");
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new InvalidInputException(path, null, $"cannot read file: {ex.Message}");
        }
        catch (IOException ex)
        {
            throw new InvalidInputException(path, null, $"cannot read file: {ex.Message}");
        }
    }
}
