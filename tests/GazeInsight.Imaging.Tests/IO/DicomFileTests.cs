using GazeInsight.Imaging.IO;

namespace GazeInsight.Imaging.Tests.IO;

public sealed class DicomFileTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string Sample(string name) => TestFiles.Path("dicom", name);

    // Expected figures computed with pydicom 2.3.1 (an independent reader) on the same files.
    [Theory]
    [InlineData("MR_small.dcm", "1.2.840.10008.1.2.1")]
    [InlineData("MR_small_implicit.dcm", "1.2.840.10008.1.2")]
    [InlineData("MR_small_bigendian.dcm", "1.2.840.10008.1.2.2")]
    [InlineData("MR_small_padded.dcm", "1.2.840.10008.1.2.1")]
    public void Real_MR_slice_reads_the_same_in_every_uncompressed_transfer_syntax(string file, string ts)
    {
        var d = DicomFile.Read(Sample(file));
        Assert.Equal(ts, d.TransferSyntaxUid);
        Assert.Equal((64, 64, 1, 16, 16, 15, true), (d.Rows, d.Columns, d.SamplesPerPixel, d.BitsAllocated, d.BitsStored, d.HighBit, d.IsSigned));
        Assert.Equal("MONOCHROME2", d.PhotometricInterpretation);
        Assert.Equal(1, d.InstanceNumber);
        Assert.Equal((0.3125, 0.3125), d.PixelSpacing);
        Assert.Equal(127f, d.StoredValues.Min());
        Assert.Equal(2145f, d.StoredValues.Max());
        Assert.Equal(2125338.0, d.StoredValues.Sum(v => (double)v));
        Assert.Equal([905f, 1019f, 1227f, 1259f], d.StoredValues[..4]);
        var img = d.ToRasterImage();
        Assert.Equal(316f, img[0, 10, 20]);
        Assert.Contains(d.KeyTags, kv => kv.Key == "Modality" && kv.Value == "MR");
    }

    [Fact]
    public void Real_CT_slice_reads_raw_stored_values_without_rescale()
    {
        var d = DicomFile.Read(Sample("CT_small.dcm"));
        Assert.Equal((128, 128), (d.Rows, d.Columns));
        Assert.Equal((0.661468, 0.661468), d.PixelSpacing);
        Assert.Equal(128f, d.StoredValues.Min());
        Assert.Equal(2191f, d.StoredValues.Max());
        Assert.Equal(14826310.0, d.StoredValues.Sum(v => (double)v));
        Assert.Equal(185f, d.ToRasterImage()[0, 10, 20]);
        Assert.NotNull(d.Rescale); // present in the file, and deliberately not applied
    }

    [Fact]
    public void Real_big_endian_RGB_ultrasound_gives_three_planes()
    {
        var d = DicomFile.Read(Sample("ExplVR_BigEnd.dcm"));
        Assert.Equal((60, 80, 3, 8), (d.Rows, d.Columns, d.SamplesPerPixel, d.BitsAllocated));
        Assert.Equal(2470716.0, d.StoredValues.Sum(v => (double)v));
        var img = d.ToRasterImage();
        Assert.Equal(3, img.Channels);
    }

    [Theory]
    [InlineData("MR_small_RLE.dcm", "1.2.840.10008.1.2.5 (RLE Lossless)")]
    [InlineData("JPEG2000.dcm", "1.2.840.10008.1.2.4.91 (JPEG 2000)")]
    public void Compressed_real_files_are_refused_naming_the_transfer_syntax(string file, string named)
    {
        var path = Sample(file);
        var ex = Assert.Throws<InvalidInputException>(() => DicomFile.Read(path));
        Assert.StartsWith(path + ":(0002,0010): compressed transfer syntax " + named + " is not supported", ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void Real_truncated_file_is_refused_at_the_pixel_data()
    {
        var path = Sample("MR_truncated.dcm");
        var ex = Assert.Throws<InvalidInputException>(() => DicomFile.Read(path));
        Assert.StartsWith(path + ":(7FE0,0010):", ex.Message);
        Assert.Contains("truncated", ex.Message);
    }

    [Fact]
    public void Every_cut_of_a_real_file_is_invalid_input_never_another_exception()
    {
        var bytes = File.ReadAllBytes(Sample("MR_small.dcm"));
        // The file goes on after the pixel data (a (FFFC,FFFC) padding element the reader need not
        // see), so only cuts before the end of the pixel data must fail.
        int pixelHeader = bytes.AsSpan().IndexOf((byte[])[0xE0, 0x7F, 0x10, 0x00, (byte)'O', (byte)'W']);
        int pixelEnd = pixelHeader + 12 + 64 * 64 * 2;
        Assert.True(pixelHeader > 0 && pixelEnd < bytes.Length);
        Assert.Equal(2145f, DicomFile.Parse("cut.dcm", bytes[..pixelEnd]).StoredValues.Max());
        for (int len = 0; len < pixelEnd; len += 37)
        {
            var cut = bytes[..len];
            var ex = Record.Exception(() => DicomFile.Parse("cut.dcm", cut));
            Assert.IsType<InvalidInputException>(ex);
        }
    }

    [Fact]
    public void Twelve_bit_unsigned_values_ignore_overlay_bits_above_the_high_bit()
    {
        // 16 allocated, 12 stored, high bit 11: bits 12..15 may hold overlay planes.
        var bytes = new DicomBuilder("1.2.840.10008.1.2.1")
            .Str(0x00080060, "CS", "MR").Str(0x00200013, "IS", "7")
            .Image(1, 3, 16, 12, 11, 0)
            .Pixels16([0x0FFF, 0xF001, 0x1234])
            .Build();
        var d = DicomFile.Parse("x.dcm", bytes);
        Assert.Equal([4095f, 1f, 0x234], d.StoredValues);
        Assert.Equal(7, d.InstanceNumber);
    }

    [Fact]
    public void Signed_values_are_sign_extended_from_bits_stored()
    {
        var bytes = new DicomBuilder("1.2.840.10008.1.2")
            .Image(2, 2, 16, 12, 11, 1)
            .Pixels16([0x0800, 0x0FFF, 0x07FF, 0x0000])
            .Build();
        Assert.Equal([-2048f, -1f, 2047f, 0f], DicomFile.Parse("x.dcm", bytes).StoredValues);

        var b8 = new DicomBuilder("1.2.840.10008.1.2.2")
            .Image(1, 3, 8, 8, 7, 1)
            .Pixels8([0x80, 0xFF, 0x7F])
            .Build();
        Assert.Equal([-128f, -1f, 127f], DicomFile.Parse("x.dcm", b8).StoredValues);
    }

    [Theory]
    [InlineData("1.2.840.10008.1.2")]
    [InlineData("1.2.840.10008.1.2.1")]
    [InlineData("1.2.840.10008.1.2.2")]
    [InlineData("1.2.840.10008.1.2.1.99")]
    public void Undefined_length_sequences_are_skipped_in_every_syntax(string ts)
    {
        var bytes = new DicomBuilder(ts)
            .Str(0x00080060, "CS", "MR")
            .NestedSequence(0x00081140)
            .Image(2, 2, 16, 16, 15, 0)
            .Pixels16([1, 2, 3, 65535])
            .Build();
        var d = DicomFile.Parse("x.dcm", bytes);
        Assert.Equal([1f, 2f, 3f, 65535f], d.StoredValues);
        Assert.Equal(ts, d.TransferSyntaxUid);
    }

    [Fact]
    public void File_without_preamble_and_meta_is_read_as_a_bare_data_set()
    {
        var bytes = new DicomBuilder("1.2.840.10008.1.2")
            .Str(0x00080060, "CS", "MR")
            .Image(1, 2, 8, 8, 7, 0)
            .Pixels8([10, 20])
            .Build(withMeta: false);
        var d = DicomFile.Parse("old.dcm", bytes);
        Assert.False(d.HasFileMeta);
        Assert.Equal([10f, 20f], d.StoredValues);
    }

    [Fact]
    public void Unsupported_variants_give_one_line_errors_with_the_tag()
    {
        InvalidInputException Fail(byte[] b) => Assert.Throws<InvalidInputException>(() => DicomFile.Parse("f.dcm", b));

        var multi = new DicomBuilder("1.2.840.10008.1.2.1").Str(0x00280008, "IS", "2").Image(1, 1, 8, 8, 7, 0).Pixels8([1, 2]).Build();
        Assert.Equal("f.dcm:(0028,0008): 2 frames: only single-frame images are supported", Fail(multi).Message);

        var bits32 = new DicomBuilder("1.2.840.10008.1.2.1").Image(1, 1, 32, 32, 31, 0).Pixels8([1, 2, 3, 4]).Build();
        Assert.StartsWith("f.dcm:(0028,0100): 32 bits allocated", Fail(bits32).Message);

        var palette = new DicomBuilder("1.2.840.10008.1.2.1").Image(1, 2, 8, 8, 7, 0, "PALETTE COLOR").Pixels8([1, 2]).Build();
        Assert.StartsWith("f.dcm:(0028,0004): photometric interpretation PALETTE COLOR", Fail(palette).Message);

        var noRows = new DicomBuilder("1.2.840.10008.1.2.1").US(0x00280011, 2).US(0x00280100, 8).Pixels8([1, 2]).Build();
        Assert.Equal("f.dcm:(0028,0010): required element Rows is missing", Fail(noRows).Message);

        var unknownTs = new DicomBuilder("1.2.3.4").Image(1, 2, 8, 8, 7, 0).Pixels8([1, 2]).Build();
        Assert.StartsWith("f.dcm:(0002,0010): unknown transfer syntax 1.2.3.4 is not supported", Fail(unknownTs).Message);

        var encapsulated = new DicomBuilder("1.2.840.10008.1.2.1").Image(1, 2, 8, 8, 7, 0).EncapsulatedPixels().Build();
        Assert.StartsWith("f.dcm:(7FE0,0010): encapsulated (compressed) pixel data", Fail(encapsulated).Message);

        Assert.StartsWith("f.dcm: not a DICOM file", Fail("hello, this is text and not DICOM at all"u8.ToArray()).Message);
    }

    [Fact]
    public void Missing_file_is_invalid_input()
    {
        var p = _dir.File("none.dcm");
        Assert.Equal(p + ": file not found", Assert.Throws<InvalidInputException>(() => DicomFile.Read(p)).Message);
    }
}
