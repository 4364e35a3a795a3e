using System.Buffers.Binary;
using System.IO.Compression;

namespace GazeInsight.Imaging.IO;

/// <summary>
/// Walks the data elements of a DICOM Part 10 file (or a bare data set without file meta).
/// Nested sequences are skipped, not interpreted. Every bound is checked so that a corrupt or
/// truncated file ends in <see cref="InvalidInputException"/>, never in an index error.
/// </summary>
internal sealed class DicomParser
{
    public const uint PixelDataTag = 0x7FE00010;
    private const uint ItemTag = 0xFFFEE000;
    private const uint ItemDelimitationTag = 0xFFFEE00D;
    private const uint SequenceDelimitationTag = 0xFFFEE0DD;
    private const uint Undefined = 0xFFFFFFFF;
    private const int MaxDepth = 32;
    private const long MaxInflatedBytes = 1L << 30;

    private static readonly HashSet<string> LongVRs = ["OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV"];

    // VRs of the tags we read, for implicit-VR files (which do not state them).
    private static readonly Dictionary<uint, string> KnownVRs = new()
    {
        [0x00020010] = "UI", [0x00080016] = "UI", [0x00080018] = "UI", [0x00080060] = "CS", [0x00080070] = "LO",
        [0x00081090] = "LO", [0x0008103E] = "LO", [0x00180050] = "DS", [0x00180088] = "DS",
        [0x0020000D] = "UI", [0x0020000E] = "UI", [0x00200011] = "IS", [0x00200013] = "IS",
        [0x00200032] = "DS", [0x00200037] = "DS", [0x00201041] = "DS",
        [0x00280002] = "US", [0x00280004] = "CS", [0x00280006] = "US", [0x00280008] = "IS",
        [0x00280010] = "US", [0x00280011] = "US", [0x00280030] = "DS", [0x00280100] = "US",
        [0x00280101] = "US", [0x00280102] = "US", [0x00280103] = "US",
        [0x00281050] = "DS", [0x00281051] = "DS", [0x00281052] = "DS", [0x00281053] = "DS",
        [PixelDataTag] = "OW",
    };

    private readonly string _file;

    private DicomParser(string file, byte[] buffer)
    {
        _file = file;
        Buffer = buffer;
    }

    /// <summary>The bytes the element offsets refer to (the inflated data set for deflated files).</summary>
    public byte[] Buffer { get; private set; }

    public string TransferSyntaxUid { get; private set; } = "";

    public bool HasFileMeta { get; private set; }

    public bool BigEndian { get; private set; }

    public Dictionary<uint, DicomElement> Elements { get; } = new();

    /// <summary>The pixel data element; null when the data set has none.</summary>
    public DicomElement? PixelData { get; private set; }

    /// <summary>Parses the file meta and the top-level data set.</summary>
    public static DicomParser Parse(string file, byte[] bytes)
    {
        var p = new DicomParser(file, bytes);
        p.Run();
        return p;
    }

    private InvalidInputException Error(string? place, string problem) => new(_file, place, problem);

    private void Run()
    {
        var b = Buffer;
        int pos;
        bool explicitVR;
        if (b.Length >= 132 && b.AsSpan(128, 4).SequenceEqual("DICM"u8))
        {
            HasFileMeta = true;
            pos = ReadFileMeta(132);
            if (TransferSyntaxUid.Length == 0)
                throw Error("(0002,0010)", "file meta has no Transfer Syntax UID");
            if (!DicomTransferSyntax.IsSupported(TransferSyntaxUid))
            {
                var kind = DicomTransferSyntax.NameOf(TransferSyntaxUid) is null ? "unknown" : "compressed";
                throw Error("(0002,0010)",
                    $"{kind} transfer syntax {DicomTransferSyntax.Describe(TransferSyntaxUid)} is not supported; only uncompressed DICOM is read (decompress first, e.g. `gdcmconv --raw` or `dcmdjpeg`)");
            }
            explicitVR = TransferSyntaxUid != DicomTransferSyntax.ImplicitVRLittleEndian;
            BigEndian = TransferSyntaxUid == DicomTransferSyntax.ExplicitVRBigEndian;
            if (TransferSyntaxUid == DicomTransferSyntax.DeflatedExplicitVRLittleEndian)
            {
                Buffer = Inflate(b, pos);
                pos = 0;
            }
        }
        else
        {
            // Old files without the 128-byte preamble and meta: guess the encoding from the first element.
            (explicitVR, BigEndian) = GuessEncoding(b);
            TransferSyntaxUid = !explicitVR ? DicomTransferSyntax.ImplicitVRLittleEndian
                : BigEndian ? DicomTransferSyntax.ExplicitVRBigEndian : DicomTransferSyntax.ExplicitVRLittleEndian;
            pos = 0;
        }

        ReadDataSet(pos, Buffer.Length, explicitVR, BigEndian, depth: 0, topLevel: true, untilDelimiter: false);
    }

    private (bool Explicit, bool BigEndian) GuessEncoding(byte[] b)
    {
        if (b.Length < 8)
            throw Error(null, "not a DICOM file (too short, no DICM marker at byte 128)");
        ushort groupLe = BinaryPrimitives.ReadUInt16LittleEndian(b);
        ushort groupBe = BinaryPrimitives.ReadUInt16BigEndian(b);
        bool vrLetters = IsUpper(b[4]) && IsUpper(b[5]);
        if (groupLe is 0x0002 or 0x0008) return (vrLetters, false);
        if (groupBe is 0x0002 or 0x0008 && vrLetters) return (true, true);
        throw Error(null, "not a DICOM file (no DICM marker at byte 128 and no data set at byte 0)");
    }

    private static bool IsUpper(byte c) => c is >= (byte)'A' and <= (byte)'Z';

    private int ReadFileMeta(int pos)
    {
        var b = Buffer;
        int end = b.Length;
        while (pos + 8 <= b.Length)
        {
            ushort group = BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(pos));
            if (group != 0x0002) break;
            var (el, next) = ReadHeader(pos, explicitVR: true, bigEndian: false);
            if (el.Tag == 0x00020000 && el.Length == 4)
            {
                uint groupLength = BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(el.Offset));
                end = (int)Math.Min(b.Length, (long)next + groupLength);
            }
            if (el.Tag == 0x00020010)
                TransferSyntaxUid = Text(el).TrimEnd('\0', ' ');
            Elements[el.Tag] = el;
            pos = next;
            if (pos >= end) break;
        }
        if (!Elements.ContainsKey(0x00020010) && pos + 8 > b.Length)
            throw Error($"byte {pos}", "DICOM file meta is truncated");
        return pos;
    }

    private byte[] Inflate(byte[] b, int pos)
    {
        try
        {
            using var src = new MemoryStream(b, pos, b.Length - pos);
            using var z = new DeflateStream(src, CompressionMode.Decompress);
            using var dst = new MemoryStream();
            var chunk = new byte[81920];
            int n;
            while ((n = z.Read(chunk, 0, chunk.Length)) > 0)
            {
                if (dst.Length + n > MaxInflatedBytes)
                    throw Error($"byte {pos}", $"deflated data set inflates past {MaxInflatedBytes} bytes (refused)");
                dst.Write(chunk, 0, n);
            }
            return dst.ToArray();
        }
        catch (InvalidDataException ex)
        {
            throw Error($"byte {pos}", $"deflated data set is corrupt: {ex.Message}");
        }
    }

    /// <summary>Reads one element header at <paramref name="pos"/>; returns it and where its value ends.</summary>
    private (DicomElement Element, int Next) ReadHeader(int pos, bool explicitVR, bool bigEndian)
    {
        var b = Buffer;
        if (pos + 8 > b.Length)
            throw Error($"byte {pos}", "data set is truncated inside an element header");
        ushort group = U16(pos, bigEndian), elem = U16(pos + 2, bigEndian);
        uint tag = ((uint)group << 16) | elem;
        string vr;
        uint length;
        int valuePos;
        // Item and delimiter tags never carry a VR, whatever the transfer syntax.
        if (group == 0xFFFE)
        {
            vr = "  ";
            length = U32(pos + 4, bigEndian);
            valuePos = pos + 8;
        }
        else if (explicitVR)
        {
            if (!IsUpper(b[pos + 4]) || !IsUpper(b[pos + 5]))
                throw Error(DicomElement.FormatTag(tag), $"invalid value representation bytes 0x{b[pos + 4]:X2} 0x{b[pos + 5]:X2} at byte {pos + 4}");
            vr = $"{(char)b[pos + 4]}{(char)b[pos + 5]}";
            if (LongVRs.Contains(vr))
            {
                if (pos + 12 > b.Length)
                    throw Error($"byte {pos}", "data set is truncated inside an element header");
                length = U32(pos + 8, bigEndian);
                valuePos = pos + 12;
            }
            else
            {
                length = U16(pos + 6, bigEndian);
                valuePos = pos + 8;
            }
        }
        else
        {
            vr = KnownVRs.TryGetValue(tag, out var known) ? known : "??";
            length = U32(pos + 4, bigEndian);
            valuePos = pos + 8;
        }

        if (length == Undefined)
            return (new DicomElement(tag, vr, valuePos, -1), valuePos);
        if (valuePos + (long)length > b.Length)
            throw Error(DicomElement.FormatTag(tag),
                $"value of {length} bytes at byte {valuePos} runs past the end of the file ({b.Length} bytes): the file is truncated");
        return (new DicomElement(tag, vr, valuePos, (int)length), valuePos + (int)length);
    }

    /// <summary>
    /// Reads elements from <paramref name="pos"/>; at the top level they are kept (up to Pixel
    /// Data), inside sequences only skipped. Returns the position after the last one read.
    /// </summary>
    private int ReadDataSet(int pos, int end, bool explicitVR, bool bigEndian, int depth, bool topLevel, bool untilDelimiter)
    {
        if (depth > MaxDepth)
            throw Error($"byte {pos}", $"sequences nested deeper than {MaxDepth} levels");
        while (pos < end)
        {
            // Trailing padding shorter than a header after the last element is tolerated.
            if (topLevel && end - pos < 8 && Buffer.AsSpan(pos, end - pos).IndexOfAnyExcept((byte)0) < 0) return end;
            var (el, next) = ReadHeader(pos, explicitVR, bigEndian);
            if (el.Tag == ItemDelimitationTag)
            {
                if (untilDelimiter) return next;
                throw Error($"byte {pos}", "item delimiter outside an item");
            }
            if (el.Tag == SequenceDelimitationTag)
                throw Error($"byte {pos}", "sequence delimiter outside a sequence");
            if (el.Tag == ItemTag)
                throw Error($"byte {pos}", "sequence item outside a sequence");

            if (el.Length < 0)
            {
                if (topLevel && el.Tag == PixelDataTag)
                {
                    PixelData = el;
                    return end; // encapsulated pixel data: reported as such by the caller
                }
                // Undefined length: a sequence (SQ, UN whose content is implicit VR, or implicit-VR tag we do not know).
                bool innerExplicit = explicitVR && el.VR != "UN";
                pos = SkipUndefinedSequence(el.Offset, end, innerExplicit, bigEndian && el.VR != "UN", depth + 1);
                continue;
            }

            if (topLevel)
            {
                if (el.Tag == PixelDataTag)
                {
                    PixelData = el;
                    return next;
                }
                Elements[el.Tag] = el;
            }
            pos = next;
        }
        if (untilDelimiter)
            throw Error($"byte {pos}", "data set is truncated inside a sequence item (no item delimiter)");
        return pos;
    }

    private int SkipUndefinedSequence(int pos, int end, bool explicitVR, bool bigEndian, int depth)
    {
        if (depth > MaxDepth)
            throw Error($"byte {pos}", $"sequences nested deeper than {MaxDepth} levels");
        while (true)
        {
            if (pos >= end)
                throw Error($"byte {pos}", "data set is truncated inside a sequence (no sequence delimiter)");
            var (el, next) = ReadHeader(pos, explicitVR, bigEndian);
            if (el.Tag == SequenceDelimitationTag) return next;
            if (el.Tag != ItemTag)
                throw Error($"byte {pos}", $"expected a sequence item, found {el.TagText}");
            pos = el.Length < 0
                ? ReadDataSet(next, end, explicitVR, bigEndian, depth + 1, topLevel: false, untilDelimiter: true)
                : next;
        }
    }

    private ushort U16(int pos, bool bigEndian) =>
        bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(Buffer.AsSpan(pos)) : BinaryPrimitives.ReadUInt16LittleEndian(Buffer.AsSpan(pos));

    private uint U32(int pos, bool bigEndian) =>
        bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(Buffer.AsSpan(pos)) : BinaryPrimitives.ReadUInt32LittleEndian(Buffer.AsSpan(pos));

    /// <summary>A string value as stored (Latin-1; character sets beyond it do not matter for the tags we read).</summary>
    public string Text(DicomElement el) =>
        System.Text.Encoding.Latin1.GetString(Buffer, el.Offset, el.Length);

    /// <summary>An unsigned 16-bit value in the data set's byte order; null when absent or not 2 bytes long.</summary>
    public ushort? UShort(uint tag)
    {
        if (!Elements.TryGetValue(tag, out var el)) return null;
        if (el.Length < 2)
            throw Error(el.TagText, $"expected a 2-byte value, found {el.Length} bytes");
        return U16(el.Offset, BigEndian && tag >> 16 != 0x0002);
    }

    /// <summary>A string value with padding removed; null when absent.</summary>
    public string? String(uint tag) =>
        Elements.TryGetValue(tag, out var el) ? Text(el).TrimEnd('\0', ' ').TrimStart(' ') : null;
}
