using GazeInsight.Imaging.IO;

namespace GazeInsight.Imaging.Tests.IO;

/// <summary>PNG and JPEG files written by libpng and libjpeg-turbo, not by us.</summary>
public sealed class ForeignFileTests
{
    private static string Sample(string name) => TestFiles.Path("raster", name);

    [Fact]
    public void Libpng_files_read_exactly()
    {
        var g = ImageFile.Read(Sample("gray_libpng.png"));
        Assert.Equal((1, 40, 48), (g.Channels, g.Height, g.Width));
        Assert.Equal(270363.0, g.Pixels.Sum(v => (double)v));
        var c = ImageFile.Read(Sample("color_libpng.png"));
        Assert.Equal((3, 40, 48), (c.Channels, c.Height, c.Width));
        int n = 40 * 48;
        Assert.Equal(335202.0, c.Pixels[..n].Sum(v => (double)v));
        Assert.Equal(196649.0, c.Pixels[n..(2 * n)].Sum(v => (double)v));
        Assert.Equal(183540.0, c.Pixels[(2 * n)..].Sum(v => (double)v));
    }

    [Fact]
    public void Libjpeg_files_read_close_to_the_encoded_values()
    {
        var g = ImageFile.Read(Sample("gray_progressive_cjpeg.jpg"));
        Assert.Equal((1, 40, 48), (g.Channels, g.Height, g.Width));
        Assert.InRange(g.Pixels.Average(), 270363.0 / 1920 - 3, 270363.0 / 1920 + 3);
        var c = ImageFile.Read(Sample("color_cjpeg.jpg"));
        Assert.Equal((3, 40, 48), (c.Channels, c.Height, c.Width));
        Assert.InRange(c.Pixels[..1920].Average(), 335202.0 / 1920 - 4, 335202.0 / 1920 + 4);
    }
}
