using System.Text;
using GazeInsight.Imaging.IO;

namespace GazeInsight.Imaging.Tests.IO;

public sealed class NpyFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("npy-tests-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // The format written out by hand: magic, version, little-endian header length, the header
    // dict padded with spaces and ended by '\n', then the raw data.
    private static byte[] Npy(byte major, string header, params byte[] data)
    {
        var bytes = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', major, 0 };
        var headerBytes = Encoding.UTF8.GetBytes(header + "\n");
        if (major == 1)
        {
            bytes.Add((byte)(headerBytes.Length & 0xFF));
            bytes.Add((byte)(headerBytes.Length >> 8));
        }
        else
        {
            bytes.Add((byte)(headerBytes.Length & 0xFF));
            bytes.Add((byte)((headerBytes.Length >> 8) & 0xFF));
            bytes.Add((byte)((headerBytes.Length >> 16) & 0xFF));
            bytes.Add((byte)(headerBytes.Length >> 24));
        }

        bytes.AddRange(headerBytes);
        bytes.AddRange(data);
        return [.. bytes];
    }

    private string Save(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void Reads_version_1_float32_matrix()
    {
        // 1.0, -2.5, 0.0, 3.0, 0.5, 100.0 as little-endian IEEE singles.
        var path = Save("a.npy", Npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }      ",
            0x00, 0x00, 0x80, 0x3F,
            0x00, 0x00, 0x20, 0xC0,
            0x00, 0x00, 0x00, 0x00,
            0x00, 0x00, 0x40, 0x40,
            0x00, 0x00, 0x00, 0x3F,
            0x00, 0x00, 0xC8, 0x42));

        var a = NpyFile.Read(path);

        Assert.Equal(NpyDType.Float32, a.DType);
        Assert.Equal([2, 3], a.Shape);
        Assert.Equal([1f, -2.5f, 0f, 3f, 0.5f, 100f], a.ToFloatArray());
        Assert.Equal([1.0, -2.5, 0.0, 3.0, 0.5, 100.0], a.ToDoubleArray());
    }

    [Fact]
    public void Reads_version_2_int64_vector()
    {
        var path = Save("b.npy", Npy(2, "{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }",
            0x05, 0, 0, 0, 0, 0, 0, 0,
            0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF));

        var a = NpyFile.Read(path);

        Assert.Equal(NpyDType.Int64, a.DType);
        Assert.Equal([2], a.Shape);
        Assert.Equal([5.0, -2.0], a.ToDoubleArray());
    }

    [Fact]
    public void Reads_version_3_utf8_header()
    {
        var path = Save("c.npy", Npy(3, "{'descr': '|u1', 'fortran_order': False, 'shape': (1, 2, 2), }", 0, 1, 254, 255));

        var a = NpyFile.Read(path);

        Assert.Equal(NpyDType.UInt8, a.DType);
        Assert.Equal([1, 2, 2], a.Shape);
        Assert.Equal([0.0, 1.0, 254.0, 255.0], a.ToDoubleArray());
    }

    public static TheoryData<string, byte[], double[]> Dtypes => new()
    {
        { "|b1", [0, 1, 2], [0, 1, 1] },
        { "|i1", [0x80, 0xFF, 0x7F], [-128, -1, 127] },
        { "|u1", [0, 128, 255], [0, 128, 255] },
        { "<i2", [0x00, 0x80, 0xFF, 0xFF, 0x01, 0x01], [-32768, -1, 257] },
        { "<u2", [0xFF, 0xFF, 0x00, 0x01, 0x02, 0x00], [65535, 256, 2] },
        { "<i4", [0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x01, 0x00, 0x07, 0, 0, 0], [-1, 65536, 7] },
        { "<u4", [0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0, 1, 0, 0, 0], [4294967295.0, 0, 1] },
        { "<u8", [0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0], [4294967296.0, 0, 3] },
        { "<f2", [0x00, 0x3C, 0x00, 0xC0, 0x00, 0x38], [1, -2, 0.5] },
        { "<f8", [0, 0, 0, 0, 0, 0, 0xF0, 0x3F, 0, 0, 0, 0, 0, 0, 0x04, 0xC0, 0, 0, 0, 0, 0, 0, 0, 0], [1, -2.5, 0] },
        { ">i4", [0xFF, 0xFF, 0xFF, 0xFE, 0x00, 0x01, 0x00, 0x00, 0, 0, 0, 9], [-2, 65536, 9] },
        { ">f8", [0x3F, 0xF0, 0, 0, 0, 0, 0, 0, 0xC0, 0x04, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], [1, -2.5, 0] },
    };

    [Theory]
    [MemberData(nameof(Dtypes))]
    public void Reads_every_supported_dtype(string descr, byte[] data, double[] expected)
    {
        var path = Save("d.npy", Npy(1, $"{{'descr': '{descr}', 'fortran_order': False, 'shape': (3,), }}", data));

        var a = NpyFile.Read(path);

        Assert.Equal([3], a.Shape);
        Assert.Equal(expected, a.ToDoubleArray());
    }

    [Fact]
    public void Reads_python2_long_shapes_and_double_quotes_without_trailing_comma()
    {
        var path = Save("e.npy", Npy(1, "{\"descr\": \"|u1\", \"shape\": (1L, 2L), \"fortran_order\": False}", 3, 4));

        var a = NpyFile.Read(path);

        Assert.Equal([1, 2], a.Shape);
        Assert.Equal([3.0, 4.0], a.ToDoubleArray());
    }

    [Fact]
    public void Reads_scalar_and_empty_arrays()
    {
        var scalar = NpyFile.Read(Save("s.npy", Npy(1, "{'descr': '<i2', 'fortran_order': False, 'shape': (), }", 0x2A, 0)));
        var empty = NpyFile.Read(Save("z.npy", Npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (0, 384), }")));

        Assert.Empty(scalar.Shape);
        Assert.Equal([42.0], scalar.ToDoubleArray());
        Assert.Equal([0, 384], empty.Shape);
        Assert.Empty(empty.ToFloatArray());
    }

    [Fact]
    public void Rejects_fortran_order_with_one_line_error()
    {
        var path = Save("f.npy", Npy(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (1, 1), }", 0, 0, 0, 0));

        var e = Assert.Throws<InvalidInputException>(() => NpyFile.Read(path));

        Assert.StartsWith(path + ":header: Fortran-order arrays are not supported", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Theory]
    [InlineData("'|O'", "object arrays")]
    [InlineData("'<U5'", "string arrays")]
    [InlineData("'<c8'", "complex arrays")]
    [InlineData("[('x', '<f4'), ('y', '<i4')]", "structured arrays")]
    public void Rejects_non_numeric_dtypes(string descr, string expected)
    {
        var path = Save("o.npy", Npy(1, $"{{'descr': {descr}, 'fortran_order': False, 'shape': (1,), }}", new byte[8]));

        var e = Assert.Throws<InvalidInputException>(() => NpyFile.Read(path));

        Assert.Contains(expected, e.Message);
        Assert.Equal("header", e.Place);
    }

    [Fact]
    public void Rejects_truncated_data()
    {
        var path = Save("t.npy", Npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }", new byte[15]));

        var e = Assert.Throws<InvalidInputException>(() => NpyFile.Read(path));

        Assert.Equal(path + ":data: truncated: shape (2, 2) of <f4 needs 16 bytes, found 15", e.Message);
    }

    [Fact]
    public void Rejects_bad_magic_unknown_version_missing_key_and_missing_file()
    {
        var notNpy = Save("x.npy", Encoding.ASCII.GetBytes("PK\u0003\u0004 this is a zip"));
        var v9 = Npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", 0, 0, 0, 0);
        v9[6] = 9;
        var version9 = Save("v9.npy", v9);
        var noShape = Save("n.npy", Npy(1, "{'descr': '<f4', 'fortran_order': False, }"));
        var garbled = Save("g.npy", Npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, x), }"));

        Assert.Equal("magic", Assert.Throws<InvalidInputException>(() => NpyFile.Read(notNpy)).Place);
        Assert.Contains("format version 9.0 is not supported",
            Assert.Throws<InvalidInputException>(() => NpyFile.Read(version9)).Message);
        Assert.Contains("missing key 'shape'", Assert.Throws<InvalidInputException>(() => NpyFile.Read(noShape)).Message);
        Assert.Contains("shape entry 'x'", Assert.Throws<InvalidInputException>(() => NpyFile.Read(garbled)).Message);
        var missing = Path.Combine(_dir, "nope.npy");
        Assert.Equal(missing + ": file not found", Assert.Throws<InvalidInputException>(() => NpyFile.Read(missing)).Message);
    }

    [Fact]
    public void Rejects_shapes_too_large_to_hold()
    {
        var path = Save("h.npy", Npy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2147483647, 2147483647, 4), }"));

        var e = Assert.Throws<InvalidInputException>(() => NpyFile.Read(path));

        Assert.Contains("more than this reader holds", e.Message);
    }

    [Fact]
    public void Writes_float32_with_numpy_header_layout()
    {
        var path = Path.Combine(_dir, "w.npy");

        NpyFile.WriteFloat32(path, [1f, -2.5f, 0f, 3f, 0.5f, 100f], [2, 3]);

        var bytes = File.ReadAllBytes(path);
        const string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
        Assert.Equal(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, 118, 0 }, bytes[..10]);
        Assert.Equal(dict, Encoding.ASCII.GetString(bytes, 10, dict.Length));
        Assert.All(bytes[(10 + dict.Length)..127], b => Assert.Equal((byte)' ', b));
        Assert.Equal((byte)'\n', bytes[127]);
        Assert.Equal(new byte[] { 0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x20, 0xC0 }, bytes[128..136]);
        Assert.Equal(128 + 24, bytes.Length);
        Assert.Equal([1f, -2.5f, 0f, 3f, 0.5f, 100f], NpyFile.Read(path).ToFloatArray());
        Assert.Single(Directory.GetFiles(_dir));
    }

    [Fact]
    public void Writes_uint8_bool_and_vector_shapes_that_read_back()
    {
        var u8 = Path.Combine(_dir, "u8.npy");
        var b = Path.Combine(_dir, "b.npy");

        NpyFile.WriteUInt8(u8, [0, 7, 255], [3]);
        NpyFile.WriteBool(b, [true, false, true, true], [1, 2, 2]);

        var u8Back = NpyFile.Read(u8);
        var bBack = NpyFile.Read(b);
        Assert.Contains("'shape': (3,)", Encoding.ASCII.GetString(File.ReadAllBytes(u8)));
        Assert.Equal(NpyDType.UInt8, u8Back.DType);
        Assert.Equal([3], u8Back.Shape);
        Assert.Equal([0.0, 7.0, 255.0], u8Back.ToDoubleArray());
        Assert.Equal(NpyDType.Bool, bBack.DType);
        Assert.Equal([1, 2, 2], bBack.Shape);
        Assert.Equal([1.0, 0.0, 1.0, 1.0], bBack.ToDoubleArray());
        Assert.Equal(128 + 4, File.ReadAllBytes(b).Length);
    }

    [Fact]
    public void Overwrites_an_existing_file_in_place()
    {
        var path = Path.Combine(_dir, "o.npy");
        NpyFile.WriteFloat32(path, [1f], [1]);

        NpyFile.WriteFloat32(path, [2f, 3f], [1, 2]);

        Assert.Equal([2f, 3f], NpyFile.Read(path).ToFloatArray());
        Assert.Single(Directory.GetFiles(_dir));
    }

    [Fact]
    public void Array_rejects_data_that_does_not_match_the_shape()
    {
        Assert.Throws<ArgumentException>(() => NpyArray.FromFloat32([1f, 2f, 3f], [2, 2]));
    }
}
