using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace GazeInsight.Imaging.IO;

/// <summary>
/// Reads and writes numpy <c>.npy</c> files (format versions 1.0, 2.0 and 3.0): booleans,
/// 8..64-bit integers and 16/32/64-bit floats in C order. Fortran-order, object, string,
/// complex and structured arrays are rejected with a one-line <see cref="InvalidInputException"/>.
/// </summary>
public static class NpyFile
{
    /// <summary>Largest accepted header (numpy itself refuses headers over 10 000 bytes by default).</summary>
    public const int MaxHeaderBytes = 1 << 20;

    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Reads a whole <c>.npy</c> file.</summary>
    /// <exception cref="InvalidInputException">missing or unreadable file, bad magic or header, unsupported dtype or order, truncated data.</exception>
    public static NpyArray Read(string path)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new InvalidInputException(path, null, "file not found");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidInputException(path, null, $"cannot open: {e.Message}", e);
        }

        using (stream)
        {
            return Read(stream, path);
        }
    }

    /// <summary>Reads one array from the current position of <paramref name="stream"/>.</summary>
    /// <param name="stream">positioned at the magic string; left just after the array's data.</param>
    /// <param name="nameForErrors">file name used in error messages.</param>
    /// <exception cref="InvalidInputException">bad magic or header, unsupported dtype or order, truncated data.</exception>
    public static NpyArray Read(Stream stream, string nameForErrors)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var (dtype, bigEndian, shape) = ReadHeader(stream, nameForErrors);
        int itemSize = NpyArray.ItemSizeOf(dtype);

        // Multiplied with a cap check per dimension, so that a crafted shape cannot overflow.
        long byteCount = shape.Contains(0) ? 0 : itemSize;
        foreach (var d in shape)
        {
            byteCount *= d;
            if (byteCount > Array.MaxLength)
            {
                throw new InvalidInputException(nameForErrors, "header",
                    $"array of shape {FormatShape(shape)} needs more than {Array.MaxLength} bytes, more than this reader holds");
            }
        }

        if (stream.CanSeek && stream.Length - stream.Position < byteCount)
        {
            throw Truncated(nameForErrors, byteCount, stream.Length - stream.Position, shape, dtype);
        }

        var data = new byte[byteCount];
        int read = ReadFully(stream, data);
        if (read < data.Length)
        {
            throw Truncated(nameForErrors, byteCount, read, shape, dtype);
        }

        if (bigEndian && itemSize > 1)
        {
            for (int i = 0; i < data.Length; i += itemSize)
            {
                data.AsSpan(i, itemSize).Reverse();
            }
        }

        return new NpyArray(dtype, shape, data);
    }

    /// <summary>
    /// Writes <paramref name="array"/> as a version 1.0 file (2.0 when the header needs it),
    /// little-endian, C order. The file appears atomically: it is written next to the target
    /// and renamed over it, so a reader never sees a half-written file.
    /// </summary>
    public static void Write(string path, NpyArray array)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(array);
        AtomicFile.Write(path, stream => Write(stream, array));
    }

    /// <summary>Writes <paramref name="array"/> (header and data) at the current position of <paramref name="stream"/>.</summary>
    public static void Write(Stream stream, NpyArray array)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(array);
        stream.Write(EncodeHeader(array.DType, array.Shape));
        stream.Write(array.RawData);
    }

    /// <summary>Writes float32 values of the given shape (C order) to <paramref name="path"/>, atomically.</summary>
    public static void WriteFloat32(string path, ReadOnlySpan<float> values, int[] shape) =>
        Write(path, NpyArray.FromFloat32(values, shape));

    /// <summary>Writes uint8 values of the given shape (C order) to <paramref name="path"/>, atomically.</summary>
    public static void WriteUInt8(string path, ReadOnlySpan<byte> values, int[] shape) =>
        Write(path, NpyArray.FromUInt8(values, shape));

    /// <summary>Writes booleans of the given shape (C order) to <paramref name="path"/>, atomically.</summary>
    public static void WriteBool(string path, ReadOnlySpan<bool> values, int[] shape) =>
        Write(path, NpyArray.FromBool(values, shape));

    /// <summary>The numpy <c>descr</c> string this writer uses for <paramref name="dtype"/>.</summary>
    public static string DescrOf(NpyDType dtype) => dtype switch
    {
        NpyDType.Bool => "|b1",
        NpyDType.Int8 => "|i1",
        NpyDType.UInt8 => "|u1",
        NpyDType.Int16 => "<i2",
        NpyDType.UInt16 => "<u2",
        NpyDType.Int32 => "<i4",
        NpyDType.UInt32 => "<u4",
        NpyDType.Int64 => "<i8",
        NpyDType.UInt64 => "<u8",
        NpyDType.Float16 => "<f2",
        NpyDType.Float32 => "<f4",
        NpyDType.Float64 => "<f8",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown dtype"),
    };

    private static byte[] EncodeHeader(NpyDType dtype, int[] shape)
    {
        var dict = $"{{'descr': '{DescrOf(dtype)}', 'fortran_order': False, 'shape': {FormatShape(shape)}, }}";

        // numpy pads so that the data starts on a 64-byte boundary and ends the header with '\n'.
        int prefix = Magic.Length + 2 + 2;
        int version = 1;
        int total = Pad64(prefix + dict.Length + 1);
        if (total - prefix > ushort.MaxValue)
        {
            version = 2;
            prefix = Magic.Length + 2 + 4;
            total = Pad64(prefix + dict.Length + 1);
        }

        var bytes = new byte[total];
        Magic.CopyTo(bytes, 0);
        bytes[6] = (byte)version;
        bytes[7] = 0;
        int headerLength = total - prefix;
        if (version == 1)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)headerLength);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), (uint)headerLength);
        }

        Encoding.ASCII.GetBytes(dict, bytes.AsSpan(prefix));
        bytes.AsSpan(prefix + dict.Length, total - prefix - dict.Length - 1).Fill((byte)' ');
        bytes[^1] = (byte)'\n';
        return bytes;
    }

    private static int Pad64(int n) => (n + 63) / 64 * 64;

    private static string FormatShape(int[] shape) => shape.Length switch
    {
        0 => "()",
        1 => $"({shape[0].ToString(CultureInfo.InvariantCulture)},)",
        _ => "(" + string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + ")",
    };

    private static InvalidInputException Truncated(string name, long expected, long got, int[] shape, NpyDType dtype) =>
        new(name, "data", $"truncated: shape {FormatShape(shape)} of {DescrOf(dtype)} needs {expected} bytes, found {got}");

    private static int ReadFully(Stream stream, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = stream.Read(buffer[total..]);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }

    private static (NpyDType DType, bool BigEndian, int[] Shape) ReadHeader(Stream stream, string name)
    {
        Span<byte> preamble = stackalloc byte[8];
        if (ReadFully(stream, preamble) < 8 || !preamble[..6].SequenceEqual(Magic))
        {
            throw new InvalidInputException(name, "magic", "not a .npy file (missing the \\x93NUMPY magic string)");
        }

        int major = preamble[6];
        int minor = preamble[7];
        int headerLength;
        if (major == 1)
        {
            Span<byte> len = stackalloc byte[2];
            if (ReadFully(stream, len) < 2)
            {
                throw new InvalidInputException(name, "header", "truncated before the header length");
            }

            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(len);
        }
        else if (major is 2 or 3)
        {
            Span<byte> len = stackalloc byte[4];
            if (ReadFully(stream, len) < 4)
            {
                throw new InvalidInputException(name, "header", "truncated before the header length");
            }

            uint l = BinaryPrimitives.ReadUInt32LittleEndian(len);
            if (l > MaxHeaderBytes)
            {
                throw new InvalidInputException(name, "header", $"header length {l} exceeds the {MaxHeaderBytes}-byte limit");
            }

            headerLength = (int)l;
        }
        else
        {
            throw new InvalidInputException(name, "version",
                $"format version {major}.{minor} is not supported (1.0, 2.0 and 3.0 are)");
        }

        var headerBytes = new byte[headerLength];
        if (ReadFully(stream, headerBytes) < headerLength)
        {
            throw new InvalidInputException(name, "header", $"truncated: header of {headerLength} bytes announced");
        }

        // Versions 1 and 2 are latin-1 (in practice ASCII); version 3 is UTF-8.
        var text = major == 3 ? Encoding.UTF8.GetString(headerBytes) : Encoding.Latin1.GetString(headerBytes);
        var dict = new HeaderParser(text, name).ParseDict();

        if (!dict.TryGetValue("descr", out var descrValue))
        {
            throw new InvalidInputException(name, "header", "missing key 'descr'");
        }

        if (!dict.TryGetValue("fortran_order", out var fortranValue))
        {
            throw new InvalidInputException(name, "header", "missing key 'fortran_order'");
        }

        if (!dict.TryGetValue("shape", out var shapeValue))
        {
            throw new InvalidInputException(name, "header", "missing key 'shape'");
        }

        if (fortranValue is not bool fortran)
        {
            throw new InvalidInputException(name, "header", "'fortran_order' must be True or False");
        }

        if (fortran)
        {
            throw new InvalidInputException(name, "header",
                "Fortran-order arrays are not supported; save with np.save(path, np.ascontiguousarray(a))");
        }

        var (dtype, bigEndian) = ParseDescr(descrValue, name);
        if (shapeValue is not int[] shape)
        {
            throw new InvalidInputException(name, "header", "'shape' must be a tuple of non-negative integers");
        }

        return (dtype, bigEndian, shape);
    }

    private static (NpyDType DType, bool BigEndian) ParseDescr(object value, string name)
    {
        if (value is not string descr)
        {
            throw new InvalidInputException(name, "header",
                "structured arrays (a list 'descr') are not supported; save one plain numeric array");
        }

        if (descr.Length < 2)
        {
            throw new InvalidInputException(name, "header", $"unsupported dtype '{descr}'");
        }

        char order = descr[0];
        string code = descr;
        bool bigEndian = false;
        if (order is '<' or '>' or '|' or '=')
        {
            code = descr[1..];
            bigEndian = order == '>';
        }

        NpyDType? dtype = code switch
        {
            "b1" or "?" => NpyDType.Bool,
            "i1" => NpyDType.Int8,
            "u1" => NpyDType.UInt8,
            "i2" => NpyDType.Int16,
            "u2" => NpyDType.UInt16,
            "i4" => NpyDType.Int32,
            "u4" => NpyDType.UInt32,
            "i8" => NpyDType.Int64,
            "u8" => NpyDType.UInt64,
            "f2" => NpyDType.Float16,
            "f4" => NpyDType.Float32,
            "f8" => NpyDType.Float64,
            _ => null,
        };

        if (dtype is { } d)
        {
            return (d, bigEndian);
        }

        var problem = code.Length > 0 ? code[0] switch
        {
            'O' => $"object arrays (dtype '{descr}') are not supported: they hold pickled Python objects; save a numeric array",
            'U' or 'S' or 'a' => $"string arrays (dtype '{descr}') are not supported; save a numeric array",
            'c' => $"complex arrays (dtype '{descr}') are not supported",
            'V' => $"void/structured arrays (dtype '{descr}') are not supported",
            'M' or 'm' => $"datetime arrays (dtype '{descr}') are not supported",
            _ => $"unsupported dtype '{descr}' (bool, int8..int64, uint8..uint64, float16/32/64 are supported)",
        }
        : $"unsupported dtype '{descr}'";
        throw new InvalidInputException(name, "header", problem);
    }

    /// <summary>
    /// The header is a Python dict literal; only its small subset that numpy writes is parsed:
    /// string keys; values that are strings, True/False, tuples of integers, or (for structured
    /// dtypes, which are then rejected) lists.
    /// </summary>
    private sealed class HeaderParser(string text, string name)
    {
        private int _pos;

        public Dictionary<string, object> ParseDict()
        {
            SkipSpace();
            Expect('{');
            var dict = new Dictionary<string, object>(StringComparer.Ordinal);
            while (true)
            {
                SkipSpace();
                if (Peek() == '}')
                {
                    _pos++;
                    return dict;
                }

                var key = ParseString();
                SkipSpace();
                Expect(':');
                SkipSpace();
                dict[key] = ParseValue();
                SkipSpace();
                if (Peek() == ',')
                {
                    _pos++;
                    continue;
                }

                SkipSpace();
                Expect('}');
                return dict;
            }
        }

        private object ParseValue()
        {
            char c = Peek();
            if (c is '\'' or '"')
            {
                return ParseString();
            }

            if (c == '(')
            {
                return ParseTuple();
            }

            if (c == '[')
            {
                SkipBracketed('[', ']');
                return new List<object>();
            }

            if (c == '{')
            {
                SkipBracketed('{', '}');
                return new Dictionary<string, object>();
            }

            var word = ParseWord();
            return word switch
            {
                "True" => true,
                "False" => false,
                _ => throw Error($"unexpected value '{word}'"),
            };
        }

        private int[] ParseTuple()
        {
            Expect('(');
            var dims = new List<int>();
            while (true)
            {
                SkipSpace();
                if (Peek() == ')')
                {
                    _pos++;
                    return [.. dims];
                }

                var word = ParseWord();

                // Python 2 wrote long integers with an 'L' suffix.
                var digits = word.EndsWith('L') ? word[..^1] : word;
                if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var d))
                {
                    throw Error($"shape entry '{word}' is not a non-negative integer below 2^31");
                }

                dims.Add(d);
                SkipSpace();
                if (Peek() == ',')
                {
                    _pos++;
                }
                else if (Peek() != ')')
                {
                    throw Error("expected ',' or ')' in shape");
                }
            }
        }

        private string ParseString()
        {
            char quote = Peek();
            if (quote is not ('\'' or '"'))
            {
                throw Error("expected a quoted string");
            }

            int end = text.IndexOf(quote, _pos + 1);
            if (end < 0)
            {
                throw Error("unterminated string");
            }

            var s = text[(_pos + 1)..end];
            _pos = end + 1;
            return s;
        }

        private string ParseWord()
        {
            int start = _pos;
            while (_pos < text.Length && (char.IsLetterOrDigit(text[_pos]) || text[_pos] == '_' || text[_pos] == '-'))
            {
                _pos++;
            }

            if (_pos == start)
            {
                throw Error(_pos < text.Length ? $"unexpected character '{text[_pos]}'" : "unexpected end of header");
            }

            return text[start.._pos];
        }

        private void SkipBracketed(char open, char close)
        {
            int depth = 0;
            for (; _pos < text.Length; _pos++)
            {
                if (text[_pos] == open)
                {
                    depth++;
                }
                else if (text[_pos] == close && --depth == 0)
                {
                    _pos++;
                    return;
                }
            }

            throw Error($"unbalanced '{open}'");
        }

        private void SkipSpace()
        {
            while (_pos < text.Length && char.IsWhiteSpace(text[_pos]))
            {
                _pos++;
            }
        }

        private char Peek() => _pos < text.Length ? text[_pos] : '\0';

        private void Expect(char c)
        {
            if (Peek() != c)
            {
                throw Error(_pos < text.Length ? $"expected '{c}', found '{text[_pos]}'" : $"expected '{c}', found the end");
            }

            _pos++;
        }

        private InvalidInputException Error(string problem) =>
            new(name, "header", $"cannot parse the header dict at character {_pos}: {problem}");
    }
}
