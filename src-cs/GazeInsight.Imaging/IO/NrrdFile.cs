using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;

namespace GazeInsight.Imaging.IO;

/// <summary>
/// An NRRD volume (attached data; raw, gzip or ASCII encoding; little or big endian; any of the
/// integer and float types), as the NCI-ISBI challenge distributes its label volumes.
/// Axis 0 varies fastest: a 3-D label volume is <c>Sizes = [x, y, z]</c> and slice z is the
/// row-major y-by-x block at <c>z * x * y</c>.
/// </summary>
public sealed class NrrdFile
{
    /// <summary>Largest accepted file and decoded data size in bytes.</summary>
    public const long MaxBytes = 1L << 30;

    private const int MaxHeaderBytes = 1 << 16;

    private NrrdFile() { }

    /// <summary>The NRRD type as written in the header (e.g. <c>unsigned char</c>).</summary>
    public required string Type { get; init; }

    /// <summary>Canonical type name: int8, uint8, int16, uint16, int32, uint32, int64, uint64, float32, float64.</summary>
    public required string CanonicalType { get; init; }

    /// <summary>Samples along each axis, fastest first.</summary>
    public required int[] Sizes { get; init; }

    /// <summary>
    /// Sample spacing per axis, from <c>spacings</c> or the length of each <c>space directions</c>
    /// vector; NaN where the axis has none (<c>nan</c>, <c>none</c>, or not given).
    /// </summary>
    public required double[] Spacings { get; init; }

    /// <summary>raw, gzip or ascii.</summary>
    public required string Encoding { get; init; }

    /// <summary>little or big (little when the type has one byte or the data is ASCII).</summary>
    public required string Endian { get; init; }

    /// <summary>The <c>space</c> field (e.g. <c>left-posterior-superior</c>); null when absent.</summary>
    public string? Space { get; init; }

    /// <summary>The <c>space origin</c> vector; null when absent.</summary>
    public double[]? SpaceOrigin { get; init; }

    /// <summary>Every header field as written, in order (keys lower-cased).</summary>
    public required IReadOnlyList<KeyValuePair<string, string>> Fields { get; init; }

    /// <summary>The samples in file order (float: exact for every 8/16-bit type and integers up to 2^24).</summary>
    public required float[] Data { get; init; }

    /// <summary>Reads an NRRD file with attached data.</summary>
    /// <exception cref="InvalidInputException">missing, malformed, truncated or unsupported file.</exception>
    public static NrrdFile Read(string path) => Parse(path, ImageFile.ReadAllBytesChecked(path, MaxBytes));

    /// <summary>Parses NRRD bytes; <paramref name="nameForErrors"/> names them in messages.</summary>
    /// <exception cref="InvalidInputException">malformed, truncated or unsupported content.</exception>
    public static NrrdFile Parse(string nameForErrors, byte[] bytes)
    {
        var f = nameForErrors;
        int dataStart = HeaderEnd(f, bytes, out var lines);
        if (lines.Count == 0 || !lines[0].StartsWith("NRRD000", StringComparison.Ordinal) || lines[0].Length != 8 || lines[0][7] is < '1' or > '5')
            throw new InvalidInputException(f, "line 1", "not an NRRD file (expected a magic line NRRD0001..NRRD0005)");

        var fields = new List<KeyValuePair<string, string>>();
        var byKey = new Dictionary<string, (string Value, int Line)>(StringComparer.Ordinal);
        for (int i = 1; i < lines.Count; i++)
        {
            var line = lines[i];
            if (line.StartsWith('#')) continue;
            int kv = line.IndexOf(":=", StringComparison.Ordinal);
            int colon = line.IndexOf(": ", StringComparison.Ordinal);
            if (kv >= 0 && (colon < 0 || kv < colon)) continue; // key/value pairs carry no format information
            if (colon <= 0)
                throw new InvalidInputException(f, $"line {i + 1}", $"expected 'field: value', found '{Clip(line)}'");
            var key = line[..colon].Trim().ToLowerInvariant();
            var value = line[(colon + 2)..].Trim();
            if (byKey.ContainsKey(key))
                throw new InvalidInputException(f, $"line {i + 1}", $"field '{key}' is given twice");
            byKey[key] = (value, i + 1);
            fields.Add(new(key, value));
        }

        string Need(string key) => byKey.TryGetValue(key, out var v) ? v.Value
            : throw new InvalidInputException(f, "header", $"required field '{key}' is missing");
        string Place(string key) => byKey.TryGetValue(key, out var v) ? $"line {v.Line}" : "header";

        foreach (var detached in new[] { "data file", "datafile" })
            if (byKey.ContainsKey(detached))
                throw new InvalidInputException(f, Place(detached), "detached data files are not supported (save the volume as a single .nrrd)");
        foreach (var skip in new[] { "line skip", "lineskip", "byte skip", "byteskip" })
            if (byKey.TryGetValue(skip, out var s) && s.Value != "0")
                throw new InvalidInputException(f, Place(skip), $"'{skip}: {s.Value}' is not supported");

        var type = Need("type");
        var (canonical, size) = TypeOf(type) ?? throw new InvalidInputException(f, Place("type"), $"unknown or unsupported type '{type}'");
        if (!int.TryParse(Need("dimension"), NumberStyles.None, CultureInfo.InvariantCulture, out int dim) || dim < 1 || dim > 16)
            throw new InvalidInputException(f, Place("dimension"), $"dimension must be an integer 1..16, found '{Need("dimension")}'");
        var sizeWords = Need("sizes").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (sizeWords.Length != dim)
            throw new InvalidInputException(f, Place("sizes"), $"{sizeWords.Length} sizes for dimension {dim}");
        var sizes = new int[dim];
        long count = 1;
        for (int i = 0; i < dim; i++)
        {
            if (!int.TryParse(sizeWords[i], NumberStyles.None, CultureInfo.InvariantCulture, out sizes[i]) || sizes[i] < 1)
                throw new InvalidInputException(f, Place("sizes"), $"size '{sizeWords[i]}' is not a positive integer");
            count *= sizes[i];
            if (count * size > MaxBytes)
                throw new InvalidInputException(f, Place("sizes"), $"volume of more than {MaxBytes} bytes refused");
        }

        var encoding = Need("encoding").ToLowerInvariant() switch
        {
            "raw" => "raw",
            "gzip" or "gz" => "gzip",
            "ascii" or "text" or "txt" => "ascii",
            var e => throw new InvalidInputException(f, Place("encoding"), $"encoding '{e}' is not supported (raw, gzip, ascii)"),
        };
        string endian = "little";
        if (size > 1 && encoding != "ascii")
        {
            endian = byKey.TryGetValue("endian", out var en) ? en.Value.ToLowerInvariant()
                : throw new InvalidInputException(f, "header", $"required field 'endian' is missing (type {type} has {size} bytes)");
            if (endian is not ("little" or "big"))
                throw new InvalidInputException(f, Place("endian"), $"endian must be little or big, found '{endian}'");
        }

        var spacings = ParseSpacings(f, byKey, dim, Place);
        var data = encoding switch
        {
            "ascii" => Ascii(f, bytes, dataStart, (int)count),
            "gzip" => Binary(f, Gunzip(f, bytes, dataStart, count * size), 0, (int)count, canonical, size, endian == "big"),
            _ => Binary(f, bytes, dataStart, (int)count, canonical, size, endian == "big"),
        };

        return new NrrdFile
        {
            Type = type,
            CanonicalType = canonical,
            Sizes = sizes,
            Spacings = spacings,
            Encoding = encoding,
            Endian = endian,
            Space = byKey.TryGetValue("space", out var sp) ? sp.Value : null,
            SpaceOrigin = byKey.TryGetValue("space origin", out var so) ? Vector(f, so.Value, Place("space origin")) : null,
            Fields = fields,
            Data = data,
        };
    }

    /// <summary>Slice <paramref name="z"/> of a 3-D volume: Sizes[1] rows of Sizes[0] samples.</summary>
    public ReadOnlySpan<float> Slice(int z)
    {
        if (Sizes.Length != 3) throw new InvalidOperationException($"Slice needs a 3-D volume, this one has {Sizes.Length} axes");
        ArgumentOutOfRangeException.ThrowIfNegative(z);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(z, Sizes[2]);
        int n = Sizes[0] * Sizes[1];
        return Data.AsSpan(z * n, n);
    }

    private static string Clip(string s) => s.Length > 60 ? s[..60] + "..." : s;

    private static int HeaderEnd(string f, byte[] b, out List<string> lines)
    {
        lines = [];
        if (b.Length < 4 || !b.AsSpan(0, 4).SequenceEqual("NRRD"u8))
            throw new InvalidInputException(f, "line 1", "not an NRRD file (expected a magic line NRRD0001..NRRD0005)");
        int start = 0;
        int limit = Math.Min(b.Length, MaxHeaderBytes);
        for (int i = 0; i < limit; i++)
        {
            if (b[i] != (byte)'\n') continue;
            int end = i > start && b[i - 1] == (byte)'\r' ? i - 1 : i;
            if (end == start) return i + 1; // blank line: data follows
            lines.Add(System.Text.Encoding.Latin1.GetString(b, start, end - start));
            start = i + 1;
        }
        throw new InvalidInputException(f, $"line {lines.Count + 1}",
            b.Length < MaxHeaderBytes ? "header has no blank line before the data (truncated?)" : $"header longer than {MaxHeaderBytes} bytes");
    }

    private static (string Canonical, int Size)? TypeOf(string t) => t switch
    {
        "signed char" or "int8" or "int8_t" => ("int8", 1),
        "uchar" or "unsigned char" or "uint8" or "uint8_t" => ("uint8", 1),
        "short" or "short int" or "signed short" or "signed short int" or "int16" or "int16_t" => ("int16", 2),
        "ushort" or "unsigned short" or "unsigned short int" or "uint16" or "uint16_t" => ("uint16", 2),
        "int" or "signed int" or "int32" or "int32_t" => ("int32", 4),
        "uint" or "unsigned int" or "uint32" or "uint32_t" => ("uint32", 4),
        "longlong" or "long long" or "long long int" or "signed long long" or "signed long long int" or "int64" or "int64_t" => ("int64", 8),
        "ulonglong" or "unsigned long long" or "unsigned long long int" or "uint64" or "uint64_t" => ("uint64", 8),
        "float" => ("float32", 4),
        "double" => ("float64", 8),
        _ => null,
    };

    private static double[] ParseSpacings(string f, Dictionary<string, (string Value, int Line)> byKey, int dim, Func<string, string> place)
    {
        var result = Enumerable.Repeat(double.NaN, dim).ToArray();
        if (byKey.TryGetValue("spacings", out var s))
        {
            var w = s.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (w.Length != dim) throw new InvalidInputException(f, place("spacings"), $"{w.Length} spacings for dimension {dim}");
            for (int i = 0; i < dim; i++)
                result[i] = w[i].Equals("nan", StringComparison.OrdinalIgnoreCase) ? double.NaN
                    : double.TryParse(w[i], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v
                    : throw new InvalidInputException(f, place("spacings"), $"spacing '{w[i]}' is not a number");
        }
        else if (byKey.TryGetValue("space directions", out var d))
        {
            var w = SplitVectors(d.Value);
            if (w.Count != dim) throw new InvalidInputException(f, place("space directions"), $"{w.Count} space directions for dimension {dim}");
            for (int i = 0; i < dim; i++)
            {
                if (w[i] == "none") continue;
                var v = Vector(f, w[i], place("space directions"));
                result[i] = Math.Sqrt(v.Sum(x => x * x));
            }
        }
        return result;
    }

    // "(a,b,c) none (d,e,f)" -> ["(a,b,c)", "none", "(d,e,f)"]; spaces inside parentheses allowed.
    private static List<string> SplitVectors(string s)
    {
        var parts = new List<string>();
        int i = 0;
        while (i < s.Length)
        {
            if (s[i] == ' ') { i++; continue; }
            int end;
            if (s[i] == '(')
            {
                int close = s.IndexOf(')', i);
                end = close < 0 ? s.Length : close + 1;
            }
            else
            {
                int space = s.IndexOf(' ', i);
                end = space < 0 ? s.Length : space;
            }
            parts.Add(s[i..end]);
            i = end;
        }
        return parts;
    }

    private static double[] Vector(string f, string text, string place)
    {
        var t = text.Trim();
        if (t.Length < 2 || t[0] != '(' || t[^1] != ')')
            throw new InvalidInputException(f, place, $"expected a vector like (1,0,0), found '{Clip(t)}'");
        var w = t[1..^1].Split(',');
        var v = new double[w.Length];
        for (int i = 0; i < w.Length; i++)
            if (!double.TryParse(w[i].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out v[i]))
                throw new InvalidInputException(f, place, $"'{w[i].Trim()}' in vector '{Clip(t)}' is not a number");
        return v;
    }

    private static byte[] Gunzip(string f, byte[] b, int start, long expected)
    {
        try
        {
            using var src = new MemoryStream(b, start, b.Length - start);
            using var z = new GZipStream(src, CompressionMode.Decompress);
            var dst = new byte[expected];
            int got = 0;
            while (got < expected)
            {
                int n = z.Read(dst, got, (int)Math.Min(expected - got, 1 << 20));
                if (n == 0) break;
                got += n;
            }
            if (got < expected)
                throw new InvalidInputException(f, "data", $"gzip data holds {got} bytes, the header's sizes and type need {expected}: the file is truncated");
            if (z.ReadByte() >= 0)
                throw new InvalidInputException(f, "data", $"gzip data holds more than the {expected} bytes the header's sizes and type give");
            return dst;
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidInputException(f, "data", $"gzip data is corrupt: {ex.Message}");
        }
    }

    private static float[] Binary(string f, byte[] b, int start, int count, string type, int size, bool bigEndian)
    {
        long have = b.Length - start;
        long need = (long)count * size;
        if (have < need)
            throw new InvalidInputException(f, "data", $"raw data holds {have} bytes, the header's sizes and type need {need}: the file is truncated");
        if (have > need)
            throw new InvalidInputException(f, "data", $"raw data holds {have} bytes, more than the {need} the header's sizes and type give");
        var s = b.AsSpan(start);
        var v = new float[count];
        for (int i = 0; i < count; i++)
        {
            var x = s.Slice(i * size, size);
            v[i] = type switch
            {
                "int8" => (sbyte)x[0],
                "uint8" => x[0],
                "int16" => bigEndian ? BinaryPrimitives.ReadInt16BigEndian(x) : BinaryPrimitives.ReadInt16LittleEndian(x),
                "uint16" => bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(x) : BinaryPrimitives.ReadUInt16LittleEndian(x),
                "int32" => bigEndian ? BinaryPrimitives.ReadInt32BigEndian(x) : BinaryPrimitives.ReadInt32LittleEndian(x),
                "uint32" => bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(x) : BinaryPrimitives.ReadUInt32LittleEndian(x),
                "int64" => bigEndian ? BinaryPrimitives.ReadInt64BigEndian(x) : BinaryPrimitives.ReadInt64LittleEndian(x),
                "uint64" => bigEndian ? BinaryPrimitives.ReadUInt64BigEndian(x) : BinaryPrimitives.ReadUInt64LittleEndian(x),
                "float32" => bigEndian ? BinaryPrimitives.ReadSingleBigEndian(x) : BinaryPrimitives.ReadSingleLittleEndian(x),
                _ => (float)(bigEndian ? BinaryPrimitives.ReadDoubleBigEndian(x) : BinaryPrimitives.ReadDoubleLittleEndian(x)),
            };
        }
        return v;
    }

    private static float[] Ascii(string f, byte[] b, int start, int count)
    {
        var text = System.Text.Encoding.Latin1.GetString(b, start, b.Length - start);
        var words = text.Split((char[])[' ', '\t', '\n', '\r', ','], StringSplitOptions.RemoveEmptyEntries);
        if (words.Length != count)
            throw new InvalidInputException(f, "data", $"ASCII data holds {words.Length} values, the header's sizes give {count}");
        var v = new float[count];
        for (int i = 0; i < count; i++)
            if (!float.TryParse(words[i], NumberStyles.Float, CultureInfo.InvariantCulture, out v[i]))
                throw new InvalidInputException(f, "data", $"value {i + 1} '{Clip(words[i])}' is not a number");
        return v;
    }
}
