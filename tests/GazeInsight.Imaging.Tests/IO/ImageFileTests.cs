using System.Buffers.Binary;
using GazeInsight.Imaging.IO;

namespace GazeInsight.Imaging.Tests.IO;

public sealed class ImageFileTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static byte[] Ramp(int n, int mul = 7) => Enumerable.Range(0, n).Select(i => (byte)(i * mul % 256)).ToArray();

    [Fact]
    public void Gray_png_round_trips_exactly_as_one_channel()
    {
        var path = _dir.File("g.png");
        var px = Ramp(5 * 3);
        ImageFile.WriteGray8(path, 5, 3, px);
        var img = ImageFile.Read(path);
        Assert.Equal((1, 3, 5), (img.Channels, img.Height, img.Width));
        Assert.Equal(px.Select(b => (float)b), img.Pixels);
        Assert.Equal(px[2 * 5 + 4], img[0, 2, 4]);
    }

    [Fact]
    public void Rgb_png_round_trips_exactly_in_channel_major_order()
    {
        var path = _dir.File("c.png");
        int w = 4, h = 2;
        var rgb = new byte[w * h * 3];
        for (int i = 0; i < w * h; i++) { rgb[3 * i] = (byte)i; rgb[3 * i + 1] = (byte)(100 + i); rgb[3 * i + 2] = (byte)(200 + i); }
        ImageFile.WriteRgb8(path, w, h, rgb);
        var img = ImageFile.Read(path);
        Assert.Equal((3, h, w), (img.Channels, img.Height, img.Width));
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int i = y * w + x;
                Assert.Equal(i, img[0, y, x]);
                Assert.Equal(100 + i, img[1, y, x]);
                Assert.Equal(200 + i, img[2, y, x]);
            }
    }

    [Fact]
    public void Jpeg_keeps_gray_as_one_channel_and_colour_as_three_with_small_error()
    {
        int w = 16, h = 16;
        var gray = new byte[w * h];
        for (int i = 0; i < gray.Length; i++) gray[i] = (byte)(i % w * 8 + 60);
        var gp = _dir.File("g.jpg");
        ImageFile.WriteGray8(gp, w, h, gray);
        var g = ImageFile.Read(gp);
        Assert.Equal(1, g.Channels);
        Assert.True(gray.Zip(g.Pixels).Max(t => Math.Abs(t.First - t.Second)) <= 6);

        var rgb = new byte[w * h * 3];
        for (int i = 0; i < w * h; i++) { rgb[3 * i] = 200; rgb[3 * i + 1] = 40; rgb[3 * i + 2] = 90; }
        var cp = _dir.File("c.jpeg");
        ImageFile.WriteRgb8(cp, w, h, rgb);
        var c = ImageFile.Read(cp);
        Assert.Equal(3, c.Channels);
        Assert.InRange(c[0, 8, 8], 195, 205);
        Assert.InRange(c[1, 8, 8], 35, 45);
        Assert.InRange(c[2, 8, 8], 85, 95);
    }

    [Fact]
    public void Bmp_24_bit_is_read_bottom_up_as_rgb()
    {
        // 2x2, 24-bit, rows stored bottom-up, BGR, each row padded to 4 bytes.
        var bmp = new List<byte>();
        void U16(int v) { bmp.Add((byte)v); bmp.Add((byte)(v >> 8)); }
        void U32(int v) { U16(v & 0xFFFF); U16(v >> 16); }
        int rowBytes = 8, dataSize = rowBytes * 2;
        bmp.Add((byte)'B'); bmp.Add((byte)'M'); U32(54 + dataSize); U32(0); U32(54);
        U32(40); U32(2); U32(2); U16(1); U16(24); U32(0); U32(dataSize); U32(2835); U32(2835); U32(0); U32(0);
        // bottom row: (0,0,255) red, (0,255,0) green ; top row: blue, white
        bmp.AddRange([0, 0, 255, 0, 255, 0, 0, 0]);
        bmp.AddRange([255, 0, 0, 255, 255, 255, 0, 0]);
        var path = _dir.File("x.bmp");
        File.WriteAllBytes(path, bmp.ToArray());
        var img = ImageFile.Read(path);
        Assert.Equal((3, 2, 2), (img.Channels, img.Height, img.Width));
        Assert.Equal([0f, 0f, 255f], new[] { img[0, 0, 0], img[1, 0, 0], img[2, 0, 0] }); // top-left blue
        Assert.Equal([255f, 0f, 0f], new[] { img[0, 1, 0], img[1, 1, 0], img[2, 1, 0] }); // bottom-left red
    }

    [Fact]
    public void Missing_file_names_the_file()
    {
        var path = _dir.File("nope.png");
        var ex = Assert.Throws<InvalidInputException>(() => ImageFile.Read(path));
        Assert.StartsWith(path + ": ", ex.Message);
        Assert.Contains("not found", ex.Message);
    }

    [Fact]
    public void Empty_garbage_and_truncated_files_are_invalid_input_with_the_file_name()
    {
        var empty = _dir.File("empty.png");
        File.WriteAllBytes(empty, []);
        Assert.StartsWith(empty + ": ", Assert.Throws<InvalidInputException>(() => ImageFile.Read(empty)).Message);

        var garbage = _dir.File("garbage.jpg");
        File.WriteAllText(garbage, "this is not an image at all");
        Assert.StartsWith(garbage + ": ", Assert.Throws<InvalidInputException>(() => ImageFile.Read(garbage)).Message);

        foreach (var ext in new[] { "png", "jpg" })
        {
            var good = _dir.File("good." + ext);
            ImageFile.WriteGray8(good, 64, 64, Ramp(64 * 64, 13));
            var bytes = File.ReadAllBytes(good);
            var cut = _dir.File("cut." + ext);
            File.WriteAllBytes(cut, bytes[..(bytes.Length / 3)]);
            var ex = Assert.Throws<InvalidInputException>(() => ImageFile.Read(cut));
            Assert.StartsWith(cut + ":", ex.Message);
            Assert.Contains("truncated", ex.Message);
            Assert.DoesNotContain('\n', ex.Message);
        }
    }

    [Fact]
    public void Header_claiming_a_huge_image_is_refused_before_decoding()
    {
        var good = _dir.File("small.png");
        ImageFile.WriteGray8(good, 8, 8, new byte[64]);
        var bytes = File.ReadAllBytes(good);
        // IHDR starts at byte 8: length(4) "IHDR"(4) width(4) height(4) ... crc after 13 data bytes.
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(16), 30000);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(20), 30000);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(29), Crc32.Compute(bytes.AsSpan(12, 17)));
        var bomb = _dir.File("bomb.png");
        File.WriteAllBytes(bomb, bytes);
        var ex = Assert.Throws<InvalidInputException>(() => ImageFile.Read(bomb));
        Assert.Contains("30000x30000", ex.Message);
        Assert.Contains("decompression bomb", ex.Message);
    }

    [Fact]
    public void Writers_leave_no_temporary_file_and_replace_existing_files()
    {
        var path = _dir.File("sub/out.png");
        ImageFile.WriteGray8(path, 2, 2, [1, 2, 3, 4]);
        ImageFile.WriteGray8(path, 2, 2, [5, 6, 7, 8]);
        Assert.Equal([5f, 6f, 7f, 8f], ImageFile.Read(path).Pixels);
        Assert.Equal(["out.png"], Directory.GetFiles(_dir.File("sub")).Select(Path.GetFileName));
    }

    [Fact]
    public void Writers_reject_wrong_buffer_sizes_and_unknown_extensions_without_creating_files()
    {
        Assert.Throws<ArgumentException>(() => ImageFile.WriteGray8(_dir.File("a.png"), 3, 3, new byte[8]));
        Assert.Throws<ArgumentException>(() => ImageFile.WriteRgb8(_dir.File("b.png"), 2, 2, new byte[4]));
        Assert.Throws<ArgumentException>(() => ImageFile.WriteGray8(_dir.File("c.tif"), 2, 2, new byte[4]));
        Assert.Empty(Directory.GetFiles(_dir.Path));
    }
}
