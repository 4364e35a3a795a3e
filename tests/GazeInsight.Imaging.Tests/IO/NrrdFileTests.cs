using System.IO.Compression;
using System.Text;
using GazeInsight.Imaging.IO;

namespace GazeInsight.Imaging.Tests.IO;

public sealed class NrrdFileTests
{
    private static string Sample(string name) => TestFiles.Path("nrrd", name);

    private static readonly float[] Shorts = [-300, -1, 0, 1, 2, 32767, -32768, 7, 8, 9, 10, 11];

    [Theory]
    [InlineData("short_le_raw.nrrd", "raw", "little")]
    [InlineData("short_be_raw.nrrd", "raw", "big")]
    [InlineData("short_be_gzip.nrrd", "gzip", "big")]
    [InlineData("short_ascii.nrrd", "ascii", "little")]
    public void Teem_written_int16_volumes_read_identically_in_every_encoding(string file, string encoding, string endian)
    {
        var n = NrrdFile.Read(Sample(file));
        Assert.Equal("int16", n.CanonicalType);
        Assert.Equal([3, 2, 2], n.Sizes);
        Assert.Equal((encoding, endian), (n.Encoding, n.Endian));
        Assert.Equal(Shorts, n.Data);
    }

    [Fact]
    public void Spacings_come_from_the_spacings_field_or_the_length_of_space_directions()
    {
        Assert.Equal([1.0, 2.0, 3.0], NrrdFile.Read(Sample("short_le_raw.nrrd")).Spacings);
        var lps = NrrdFile.Read(Sample("labels_gzip_lps.nrrd"));
        Assert.Equal(0.625, lps.Spacings[0], 12);
        Assert.Equal(0.625, lps.Spacings[1], 12);
        Assert.Equal(3.6, lps.Spacings[2], 12);
        Assert.Equal("left-posterior-superior", lps.Space);
        Assert.Equal([-10.0, -20.0, 30.0], lps.SpaceOrigin!);
        var f = NrrdFile.Read(Sample("float_be_2d.nrrd"));
        Assert.Equal(0.5, f.Spacings[0]);
        Assert.True(double.IsNaN(f.Spacings[1]));
        Assert.Equal([0.5f, -1.25f, 3f, 1e-3f, 2.5f, 100f], f.Data);
        Assert.True(double.IsNaN(NrrdFile.Read(Sample("short_be_raw.nrrd")).Spacings[2]));
    }

    [Fact]
    public void Label_volume_slices_are_x_fastest_blocks()
    {
        var gz = NrrdFile.Read(Sample("labels_gzip_lps.nrrd"));
        var raw = NrrdFile.Read(Sample("labels_raw_spacings.nrrd"));
        Assert.Equal(gz.Data, raw.Data);
        Assert.Equal([6, 5, 4], gz.Sizes);
        Assert.Equal(14f, gz.Data.Sum());
        Assert.Equal(0f, gz.Slice(0).ToArray().Sum());
        Assert.Equal(6f, gz.Slice(1).ToArray().Sum());
        Assert.Equal(1f, gz.Slice(1)[1 * 6 + 1]); // x=1, y=1
        Assert.Equal(2f, gz.Slice(2)[3 * 6 + 4]); // x=4, y=3
        Assert.Equal(0f, gz.Slice(3).ToArray().Sum());
    }

    private static byte[] Nrrd(string header, byte[] data) => [.. Encoding.ASCII.GetBytes(header), .. data];

    [Fact]
    public void Header_problems_name_the_line()
    {
        InvalidInputException Fail(string header, byte[] data) =>
            Assert.Throws<InvalidInputException>(() => NrrdFile.Parse("v.nrrd", Nrrd(header, data)));

        Assert.StartsWith("v.nrrd:line 1: not an NRRD file", Fail("P5\n3 2\n255\n", [1, 2, 3]).Message);
        Assert.Equal("v.nrrd:line 2: unknown or unsupported type 'complex'",
            Fail("NRRD0004\ntype: complex\ndimension: 1\nsizes: 1\nencoding: raw\n\n", [0]).Message);
        Assert.Equal("v.nrrd:line 4: 1 sizes for dimension 2",
            Fail("NRRD0004\ntype: uchar\ndimension: 2\nsizes: 3\nencoding: raw\n\n", [0]).Message);
        Assert.Equal("v.nrrd:header: required field 'endian' is missing (type short has 2 bytes)",
            Fail("NRRD0004\ntype: short\ndimension: 1\nsizes: 2\nencoding: raw\n\n", [0, 0, 0, 0]).Message);
        Assert.Equal("v.nrrd:line 5: encoding 'bzip2' is not supported (raw, gzip, ascii)",
            Fail("NRRD0004\ntype: uchar\ndimension: 1\nsizes: 2\nencoding: bzip2\n\n", [0, 0]).Message);
        Assert.StartsWith("v.nrrd:line 6: detached data files are not supported",
            Fail("NRRD0004\ntype: uchar\ndimension: 1\nsizes: 2\nencoding: raw\ndata file: v.raw\n\n", []).Message);
        Assert.Equal("v.nrrd:header: required field 'sizes' is missing",
            Fail("NRRD0004\ntype: uchar\ndimension: 1\nencoding: raw\n\n", [0]).Message);
        Assert.StartsWith("v.nrrd:line 3: header has no blank line",
            Fail("NRRD0004\ntype: uchar\n", []).Message);
    }

    [Fact]
    public void Truncated_or_oversized_data_is_reported()
    {
        const string H = "NRRD0004\ntype: uchar\ndimension: 2\nsizes: 3 2\nencoding: raw\n\n";
        Assert.Equal("v.nrrd:data: raw data holds 5 bytes, the header's sizes and type need 6: the file is truncated",
            Assert.Throws<InvalidInputException>(() => NrrdFile.Parse("v.nrrd", Nrrd(H, [1, 2, 3, 4, 5]))).Message);
        Assert.Contains("more than the 6",
            Assert.Throws<InvalidInputException>(() => NrrdFile.Parse("v.nrrd", Nrrd(H, [1, 2, 3, 4, 5, 6, 7]))).Message);

        using var ms = new MemoryStream();
        using (var z = new GZipStream(ms, CompressionLevel.Optimal, leaveOpen: true)) z.Write([1, 2, 3, 4, 5]);
        var gz = Nrrd(H.Replace("raw", "gzip"), ms.ToArray());
        Assert.Contains("gzip data holds 5 bytes", Assert.Throws<InvalidInputException>(() => NrrdFile.Parse("v.nrrd", gz)).Message);

        var cut = File.ReadAllBytes(Sample("short_be_gzip.nrrd"));
        Assert.IsType<InvalidInputException>(Record.Exception(() => NrrdFile.Parse("cut.nrrd", cut[..^12])));

        var huge = Nrrd("NRRD0004\ntype: double\ndimension: 3\nsizes: 4096 4096 4096\nendian: little\nencoding: raw\n\n", [0]);
        Assert.Contains("refused", Assert.Throws<InvalidInputException>(() => NrrdFile.Parse("v.nrrd", huge)).Message);
    }
}
