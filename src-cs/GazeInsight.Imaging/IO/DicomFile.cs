using System.Buffers.Binary;
using System.Globalization;
using GazeInsight.Imaging.Data;

namespace GazeInsight.Imaging.IO;

/// <summary>
/// A single-frame, uncompressed DICOM image read by our own parser (fo-dicom is not available):
/// explicit and implicit VR little endian, explicit VR big endian, deflated explicit VR little
/// endian; 8 or 16 bits allocated, signed or unsigned; MONOCHROME1/2 or RGB. Pixel values are
/// the raw stored values, no rescale slope/intercept and no MONOCHROME1 inversion, as the
/// reference code reads them. Anything else is refused with a one-line
/// <see cref="InvalidInputException"/> naming what is unsupported (e.g. the transfer syntax).
/// </summary>
public sealed class DicomFile
{
    /// <summary>Largest accepted file size in bytes.</summary>
    public const long MaxFileBytes = 512L << 20;

    private DicomFile() { }

    /// <summary>The transfer syntax UID (guessed for files without file meta).</summary>
    public required string TransferSyntaxUid { get; init; }

    /// <summary>A readable name of <see cref="TransferSyntaxUid"/>.</summary>
    public string TransferSyntaxName => DicomTransferSyntax.NameOf(TransferSyntaxUid) ?? TransferSyntaxUid;

    /// <summary>False for old files without the 128-byte preamble and file meta.</summary>
    public required bool HasFileMeta { get; init; }

    public required int Rows { get; init; }
    public required int Columns { get; init; }
    public required int SamplesPerPixel { get; init; }
    public required int BitsAllocated { get; init; }
    public required int BitsStored { get; init; }
    public required int HighBit { get; init; }

    /// <summary>Pixel Representation 1: two's complement stored values.</summary>
    public required bool IsSigned { get; init; }

    public required string PhotometricInterpretation { get; init; }

    /// <summary>Instance Number (0020,0013): the slice's position in its series; null when absent.</summary>
    public int? InstanceNumber { get; init; }

    /// <summary>Pixel Spacing (0028,0030) in mm: (between rows, between columns); null when absent.</summary>
    public (double Row, double Column)? PixelSpacing { get; init; }

    /// <summary>Slice Thickness (0018,0050) in mm; null when absent.</summary>
    public double? SliceThickness { get; init; }

    /// <summary>Image Position (Patient) (0020,0032) in mm; null when absent.</summary>
    public double[]? ImagePositionPatient { get; init; }

    /// <summary>Series Instance UID (0020,000E); null when absent.</summary>
    public string? SeriesInstanceUid { get; init; }

    /// <summary>Rescale Slope and Intercept (0028,1053/1052), reported only: pixels are never rescaled.</summary>
    public (double Slope, double Intercept)? Rescale { get; init; }

    /// <summary>Tags worth showing a user, by DICOM keyword, in file order of interest (no patient identity).</summary>
    public required IReadOnlyList<KeyValuePair<string, string>> KeyTags { get; init; }

    /// <summary>Stored values, channel-major: SamplesPerPixel x Rows x Columns.</summary>
    public required float[] StoredValues { get; init; }

    /// <summary>The stored values as a <see cref="RasterImage"/> (1 channel, or 3 for RGB).</summary>
    public RasterImage ToRasterImage() => new(SamplesPerPixel, Rows, Columns, StoredValues);

    /// <summary>Reads and decodes a DICOM file.</summary>
    /// <exception cref="InvalidInputException">missing, corrupt, truncated or unsupported file.</exception>
    public static DicomFile Read(string path) => Parse(path, ImageFile.ReadAllBytesChecked(path, MaxFileBytes));

    /// <summary>Decodes DICOM bytes; <paramref name="nameForErrors"/> names them in messages.</summary>
    /// <exception cref="InvalidInputException">corrupt, truncated or unsupported content.</exception>
    public static DicomFile Parse(string nameForErrors, byte[] bytes)
    {
        var f = nameForErrors;
        var p = DicomParser.Parse(f, bytes);

        int rows = Required(p, f, 0x00280010, "Rows");
        int cols = Required(p, f, 0x00280011, "Columns");
        int bitsAllocated = Required(p, f, 0x00280100, "Bits Allocated");
        int samples = p.UShort(0x00280002) ?? 1;
        int bitsStored = p.UShort(0x00280101) ?? bitsAllocated;
        int highBit = p.UShort(0x00280102) ?? bitsStored - 1;
        int pixelRep = p.UShort(0x00280103) ?? 0;
        var photometric = p.String(0x00280004) ?? (samples == 3 ? "RGB" : "MONOCHROME2");

        if (rows == 0 || cols == 0)
            throw new InvalidInputException(f, "(0028,0010)", $"image has no pixels ({cols}x{rows})");
        if ((long)rows * cols > ImageFile.MaxPixels)
            throw new InvalidInputException(f, "(0028,0010)", $"image of {cols}x{rows} pixels is over the limit of {ImageFile.MaxPixels}");
        if (bitsAllocated is not (8 or 16))
            throw new InvalidInputException(f, "(0028,0100)", $"{bitsAllocated} bits allocated per sample is not supported (only 8 and 16)");
        if (bitsStored < 1 || bitsStored > bitsAllocated || highBit >= bitsAllocated || highBit + 1 < bitsStored)
            throw new InvalidInputException(f, "(0028,0101)",
                $"inconsistent bit layout: {bitsAllocated} allocated, {bitsStored} stored, high bit {highBit}");
        if (pixelRep is not (0 or 1))
            throw new InvalidInputException(f, "(0028,0103)", $"pixel representation must be 0 or 1, found {pixelRep}");
        bool mono = photometric is "MONOCHROME1" or "MONOCHROME2";
        if (!(mono && samples == 1) && !(photometric == "RGB" && samples == 3))
            throw new InvalidInputException(f, "(0028,0004)",
                $"photometric interpretation {photometric} with {samples} samples per pixel is not supported (only MONOCHROME1/2 with 1, RGB with 3)");
        var framesText = p.String(0x00280008);
        if (framesText is not null && int.TryParse(framesText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var frames) && frames > 1)
            throw new InvalidInputException(f, "(0028,0008)", $"{frames} frames: only single-frame images are supported");

        if (p.PixelData is not { } pd)
            throw new InvalidInputException(f, "(7FE0,0010)", "no Pixel Data element (float or double pixel data is not supported)");
        if (pd.Length < 0)
            throw new InvalidInputException(f, "(7FE0,0010)",
                $"encapsulated (compressed) pixel data is not supported (transfer syntax {DicomTransferSyntax.Describe(p.TransferSyntaxUid)})");

        long count = (long)rows * cols * samples;
        long needed = count * (bitsAllocated / 8);
        if (pd.Length < needed)
            throw new InvalidInputException(f, "(7FE0,0010)",
                $"pixel data holds {pd.Length} bytes, {cols}x{rows}x{samples} samples of {bitsAllocated} bits need {needed}: the file is truncated or inconsistent");

        var values = DecodeSamples(p.Buffer.AsSpan(pd.Offset, (int)needed), (int)count, bitsAllocated, bitsStored, highBit,
            pixelRep == 1, p.BigEndian && pd.VR != "OB");
        if (samples == 3)
        {
            int planar = p.UShort(0x00280006) ?? 0;
            values = planar == 0 ? InterleavedToPlanar(values, rows * cols) : values;
        }

        return new DicomFile
        {
            TransferSyntaxUid = p.TransferSyntaxUid,
            HasFileMeta = p.HasFileMeta,
            Rows = rows,
            Columns = cols,
            SamplesPerPixel = samples,
            BitsAllocated = bitsAllocated,
            BitsStored = bitsStored,
            HighBit = highBit,
            IsSigned = pixelRep == 1,
            PhotometricInterpretation = photometric,
            InstanceNumber = Int(p, 0x00200013),
            PixelSpacing = Doubles(p, 0x00280030) is [var r, var c, ..] ? (r, c) : null,
            SliceThickness = Doubles(p, 0x00180050) is [var t, ..] ? t : null,
            ImagePositionPatient = Doubles(p, 0x00200032) is { Length: 3 } ipp ? ipp : null,
            SeriesInstanceUid = p.String(0x0020000E),
            Rescale = (Doubles(p, 0x00281053), Doubles(p, 0x00281052)) is ([var s, ..], [var i, ..]) ? (s, i) : null,
            KeyTags = KeyTagsOf(p),
            StoredValues = values,
        };
    }

    private static int Required(DicomParser p, string file, uint tag, string name) =>
        p.UShort(tag) ?? throw new InvalidInputException(file, DicomElement.FormatTag(tag), $"required element {name} is missing");

    private static float[] DecodeSamples(ReadOnlySpan<byte> raw, int count, int bitsAllocated, int bitsStored, int highBit, bool signed, bool bigEndian)
    {
        var v = new float[count];
        int shift = highBit + 1 - bitsStored;
        int mask = (1 << bitsStored) - 1;
        int signBit = 1 << (bitsStored - 1);
        for (int i = 0; i < count; i++)
        {
            int word = bitsAllocated == 8 ? raw[i]
                : bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(raw[(2 * i)..])
                : BinaryPrimitives.ReadUInt16LittleEndian(raw[(2 * i)..]);
            // Bits outside the stored range may hold overlays: the stored value is only the named bits.
            int s = (word >> shift) & mask;
            if (signed && (s & signBit) != 0) s -= 1 << bitsStored;
            v[i] = s;
        }
        return v;
    }

    private static float[] InterleavedToPlanar(float[] rgb, int n)
    {
        var planes = new float[rgb.Length];
        for (int i = 0; i < n; i++)
        {
            planes[i] = rgb[3 * i];
            planes[n + i] = rgb[3 * i + 1];
            planes[2 * n + i] = rgb[3 * i + 2];
        }
        return planes;
    }

    private static int? Int(DicomParser p, uint tag) =>
        p.String(tag) is { Length: > 0 } s && int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;

    private static double[]? Doubles(DicomParser p, uint tag)
    {
        if (p.String(tag) is not { Length: > 0 } s) return null;
        var parts = s.Split('\\');
        var d = new double[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!double.TryParse(parts[i].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out d[i]))
                return null;
        return d;
    }

    private static readonly (uint Tag, string Keyword)[] ShownTags =
    [
        (0x00080060, "Modality"), (0x00080070, "Manufacturer"), (0x00081090, "ManufacturerModelName"),
        (0x0008103E, "SeriesDescription"), (0x00200011, "SeriesNumber"), (0x00200013, "InstanceNumber"),
        (0x00201041, "SliceLocation"), (0x00180050, "SliceThickness"), (0x00180088, "SpacingBetweenSlices"),
        (0x00280030, "PixelSpacing"), (0x00200032, "ImagePositionPatient"), (0x00200037, "ImageOrientationPatient"),
        (0x00280004, "PhotometricInterpretation"), (0x00280002, "SamplesPerPixel"), (0x00280100, "BitsAllocated"),
        (0x00280101, "BitsStored"), (0x00280102, "HighBit"), (0x00280103, "PixelRepresentation"),
        (0x00281053, "RescaleSlope"), (0x00281052, "RescaleIntercept"), (0x00281050, "WindowCenter"), (0x00281051, "WindowWidth"),
        (0x00080016, "SOPClassUID"), (0x00080018, "SOPInstanceUID"), (0x0020000D, "StudyInstanceUID"), (0x0020000E, "SeriesInstanceUID"),
    ];

    private static List<KeyValuePair<string, string>> KeyTagsOf(DicomParser p)
    {
        var list = new List<KeyValuePair<string, string>>();
        foreach (var (tag, keyword) in ShownTags)
        {
            if (!p.Elements.ContainsKey(tag)) continue;
            string value = tag is 0x00280002 or 0x00280100 or 0x00280101 or 0x00280102 or 0x00280103
                ? p.UShort(tag)!.Value.ToString(CultureInfo.InvariantCulture)
                : Printable(p.String(tag) ?? "");
            list.Add(new(keyword, value));
        }
        return list;
    }

    // Values land on a terminal and in JSON: keep them printable and short.
    private static string Printable(string s)
    {
        var chars = s.Select(c => char.IsControl(c) ? '?' : c).ToArray();
        var t = new string(chars);
        return t.Length > 128 ? t[..128] + "..." : t;
    }
}
