using System.Globalization;
using GazeInsight.Imaging.Data;

namespace GazeInsight.Imaging.IO;

/// <summary>
/// What <c>runner data inspect</c> shows about one file: format, shape, pixel type, spacing and
/// statistics of the values as training reads them (8-bit images 0..255, DICOM raw stored values,
/// NRRD and .npy as stored), plus format details (DICOM transfer syntax and key tags, NRRD fields).
/// </summary>
/// <param name="Path">the file.</param>
/// <param name="Format">PNG, JPEG, BMP, DICOM, NRRD or NPY.</param>
/// <param name="Shape">dimensions: images and DICOM as (channels, height, width); NRRD in header order (fastest first); .npy in C order.</param>
/// <param name="PixelType">e.g. uint8, int16 (DICOM: bits stored / allocated and sign), float32.</param>
/// <param name="Spacing">per axis of <paramref name="Shape"/> where the format has one (NaN for an axis without), else null.</param>
/// <param name="Count">number of values.</param>
/// <param name="Min">smallest value.</param>
/// <param name="Max">largest value.</param>
/// <param name="Mean">mean value.</param>
/// <param name="Sum">sum of the values.</param>
/// <param name="Details">format-specific facts, in display order.</param>
public sealed record FileInspection(
    string Path,
    string Format,
    IReadOnlyList<int> Shape,
    string PixelType,
    IReadOnlyList<double>? Spacing,
    long Count,
    double Min,
    double Max,
    double Mean,
    double Sum,
    IReadOnlyList<KeyValuePair<string, string>> Details)
{
    /// <summary>Inspects a file, choosing the reader by extension (.dcm, .nrrd, .npy) or content (PNG/JPEG/BMP).</summary>
    /// <exception cref="InvalidInputException">unreadable or unsupported file.</exception>
    public static FileInspection Of(string path)
    {
        var ext = System.IO.Path.GetExtension(path).ToLowerInvariant();
        switch (ext)
        {
            case ".dcm":
                {
                    var d = DicomFile.Read(path);
                    var details = new List<KeyValuePair<string, string>>
                    {
                        new("TransferSyntaxUID", d.TransferSyntaxUid),
                        new("TransferSyntax", d.TransferSyntaxName),
                        new("FileMeta", d.HasFileMeta ? "yes" : "no (bare data set)"),
                    };
                    details.AddRange(d.KeyTags);
                    var type = $"{(d.IsSigned ? "int" : "uint")}{d.BitsAllocated} ({d.BitsStored} bits stored, high bit {d.HighBit})";
                    double[]? spacing = d.PixelSpacing is { } ps ? [double.NaN, ps.Row, ps.Column] : null;
                    return Make(path, "DICOM", [d.SamplesPerPixel, d.Rows, d.Columns], type, spacing, d.StoredValues, details);
                }
            case ".nrrd":
                {
                    var n = NrrdFile.Read(path);
                    return Make(path, "NRRD", n.Sizes, n.CanonicalType, n.Spacings, n.Data, n.Fields);
                }
            case ".npy":
                {
                    var a = NpyFile.Read(path);
                    var dtype = a.DType.ToString().ToLowerInvariant();
                    return Make(path, "NPY", a.Shape, dtype, null, a.ToFloatArray(), []);
                }
            default:
                {
                    var bytes = ImageFile.ReadAllBytesChecked(path, ImageFile.MaxFileBytes);
                    var img = ImageFile.Decode(path, bytes);
                    var format = bytes[0] == 0x89 ? "PNG" : bytes[0] == 0xFF ? "JPEG" : "BMP";
                    return Make(path, format, [img.Channels, img.Height, img.Width], "uint8 (read as 0..255)", null, img.Pixels,
                        [new("Channels", img.Channels == 1 ? "1 (grayscale)" : "3 (RGB)")]);
                }
        }
    }

    private static FileInspection Make(string path, string format, IReadOnlyList<int> shape, string type,
        IReadOnlyList<double>? spacing, float[] values, IReadOnlyList<KeyValuePair<string, string>> details)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity, sum = 0;
        foreach (var v in values)
        {
            if (v < min) min = v;
            if (v > max) max = v;
            sum += v;
        }
        double mean = values.Length > 0 ? sum / values.Length : double.NaN;
        if (values.Length == 0) min = max = double.NaN;
        return new FileInspection(path, format, shape, type, spacing, values.LongLength, min, max, mean, sum, details);
    }

    /// <summary>The figures as text lines for a terminal.</summary>
    public IEnumerable<string> ToLines()
    {
        static string F(double v) => v.ToString("G10", CultureInfo.InvariantCulture);
        yield return $"file:       {Path}";
        yield return $"format:     {Format}";
        yield return $"shape:      {string.Join(" x ", Shape)}";
        yield return $"pixel type: {PixelType}";
        if (Spacing is not null) yield return $"spacing:    {string.Join(" x ", Spacing.Select(s => double.IsNaN(s) ? "-" : F(s)))}";
        yield return $"values:     {Count}  min {F(Min)}  max {F(Max)}  mean {F(Mean)}  sum {F(Sum)}";
        foreach (var (k, v) in Details) yield return $"  {k}: {v}";
    }
}
