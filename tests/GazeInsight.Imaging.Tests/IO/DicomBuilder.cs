using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace GazeInsight.Imaging.Tests.IO;

/// <summary>Writes small DICOM files element by element, to test what the real samples do not cover.</summary>
internal sealed class DicomBuilder
{
    private readonly List<byte> _ds = [];
    private readonly bool _explicit;
    private readonly bool _bigEndian;

    public DicomBuilder(string transferSyntax)
    {
        TransferSyntax = transferSyntax;
        _explicit = transferSyntax != "1.2.840.10008.1.2";
        _bigEndian = transferSyntax == "1.2.840.10008.1.2.2";
    }

    public string TransferSyntax { get; }

    private void U16(List<byte> to, int v, bool be)
    {
        Span<byte> b = stackalloc byte[2];
        if (be) BinaryPrimitives.WriteUInt16BigEndian(b, (ushort)v); else BinaryPrimitives.WriteUInt16LittleEndian(b, (ushort)v);
        to.AddRange(b.ToArray());
    }

    private void U32(List<byte> to, uint v, bool be)
    {
        Span<byte> b = stackalloc byte[4];
        if (be) BinaryPrimitives.WriteUInt32BigEndian(b, v); else BinaryPrimitives.WriteUInt32LittleEndian(b, v);
        to.AddRange(b.ToArray());
    }

    private void Element(List<byte> to, uint tag, string vr, byte[] value, bool expl, bool be, uint? lengthOverride = null)
    {
        U16(to, (int)(tag >> 16), be);
        U16(to, (int)(tag & 0xFFFF), be);
        uint len = lengthOverride ?? (uint)value.Length;
        if (expl)
        {
            to.Add((byte)vr[0]);
            to.Add((byte)vr[1]);
            if (vr is "OB" or "OW" or "SQ" or "UN" or "UT") { U16(to, 0, be); U32(to, len, be); }
            else U16(to, (int)len, be);
        }
        else U32(to, len, be);
        to.AddRange(value);
    }

    public DicomBuilder Str(uint tag, string vr, string value)
    {
        var v = Encoding.ASCII.GetBytes(value);
        if (v.Length % 2 == 1) v = [.. v, vr == "UI" ? (byte)0 : (byte)' '];
        Element(_ds, tag, vr, v, _explicit, _bigEndian);
        return this;
    }

    public DicomBuilder US(uint tag, int value)
    {
        var v = new List<byte>();
        U16(v, value, _bigEndian);
        Element(_ds, tag, "US", v.ToArray(), _explicit, _bigEndian);
        return this;
    }

    /// <summary>An undefined-length sequence with one undefined-length item holding one string element.</summary>
    public DicomBuilder NestedSequence(uint tag)
    {
        var item = new List<byte>();
        Element(item, 0x00080100, "SH", Encoding.ASCII.GetBytes("ABCD"), _explicit, _bigEndian);
        U16(_ds, (int)(tag >> 16), _bigEndian); U16(_ds, (int)(tag & 0xFFFF), _bigEndian);
        if (_explicit) { _ds.Add((byte)'S'); _ds.Add((byte)'Q'); U16(_ds, 0, _bigEndian); }
        U32(_ds, 0xFFFFFFFF, _bigEndian);
        U16(_ds, 0xFFFE, _bigEndian); U16(_ds, 0xE000, _bigEndian); U32(_ds, 0xFFFFFFFF, _bigEndian);
        _ds.AddRange(item);
        U16(_ds, 0xFFFE, _bigEndian); U16(_ds, 0xE00D, _bigEndian); U32(_ds, 0, _bigEndian);
        U16(_ds, 0xFFFE, _bigEndian); U16(_ds, 0xE0DD, _bigEndian); U32(_ds, 0, _bigEndian);
        return this;
    }

    /// <summary>An image header (Rows, Columns, bits...) in tag order.</summary>
    public DicomBuilder Image(int rows, int cols, int bitsAllocated, int bitsStored, int highBit, int pixelRep, string photometric = "MONOCHROME2", int samples = 1)
    {
        US(0x00280002, samples);
        Str(0x00280004, "CS", photometric);
        US(0x00280010, rows);
        US(0x00280011, cols);
        US(0x00280100, bitsAllocated);
        US(0x00280101, bitsStored);
        US(0x00280102, highBit);
        US(0x00280103, pixelRep);
        return this;
    }

    public DicomBuilder Pixels8(byte[] values)
    {
        var v = values.Length % 2 == 1 ? [.. values, 0] : values;
        Element(_ds, 0x7FE00010, "OB", v, _explicit, _bigEndian);
        return this;
    }

    public DicomBuilder Pixels16(ushort[] words)
    {
        var v = new List<byte>();
        foreach (var w in words) U16(v, w, _bigEndian);
        Element(_ds, 0x7FE00010, "OW", v.ToArray(), _explicit, _bigEndian);
        return this;
    }

    public DicomBuilder EncapsulatedPixels()
    {
        Element(_ds, 0x7FE00010, "OB", [0xFE, 0xFF, 0x00, 0xE0, 0, 0, 0, 0, 0xFE, 0xFF, 0xDD, 0xE0, 0, 0, 0, 0], _explicit, _bigEndian, 0xFFFFFFFF);
        return this;
    }

    /// <summary>Preamble, DICM, file meta (explicit VR little endian) and the data set.</summary>
    public byte[] Build(bool withMeta = true)
    {
        var dataSet = _ds.ToArray();
        if (TransferSyntax == "1.2.840.10008.1.2.1.99")
        {
            using var ms = new MemoryStream();
            using (var z = new DeflateStream(ms, CompressionLevel.Optimal, leaveOpen: true)) z.Write(dataSet);
            dataSet = ms.ToArray();
        }
        if (!withMeta) return dataSet;
        var meta = new List<byte>();
        var ts = Encoding.ASCII.GetBytes(TransferSyntax);
        if (ts.Length % 2 == 1) ts = [.. ts, 0];
        Element(meta, 0x00020010, "UI", ts, true, false);
        var groupLength = new List<byte>();
        U32(groupLength, (uint)meta.Count, false);
        var head = new List<byte>();
        Element(head, 0x00020000, "UL", groupLength.ToArray(), true, false);
        return [.. new byte[128], .. "DICM"u8.ToArray(), .. head, .. meta, .. dataSet];
    }
}
