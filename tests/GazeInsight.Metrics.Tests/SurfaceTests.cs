using GazeInsight.Metrics;

namespace GazeInsight.Metrics.Tests;

public class SurfaceTests
{
    private static string[] Rows(BinaryMask m)
    {
        int h = m.Shape[0], w = m.Shape[1];
        return Enumerable.Range(0, h)
            .Select(r => new string(Enumerable.Range(0, w).Select(c => m.Data[r * w + c] != 0 ? '#' : '.').ToArray()))
            .ToArray();
    }

    [Fact]
    public void Surface_of_a_filled_block_is_its_face_connected_border()
    {
        var m = Masks.FromRows(
            ".....",
            ".###.",
            ".###.",
            ".###.",
            ".....");
        Assert.Equal(
            [".....", ".###.", ".#.#.", ".###.", "....."],
            Rows(Surface.Extract(m)));
    }

    [Fact]
    public void Diagonal_neighbours_do_not_make_a_voxel_surface()
    {
        // The centre pixel has all 4 face neighbours inside; only its diagonals are background.
        var m = Masks.FromRows(
            ".#.",
            "###",
            ".#.");
        Assert.Equal([".#.", "#.#", ".#."], Rows(Surface.Extract(m)));
    }

    [Fact]
    public void Outside_the_image_counts_as_background()
    {
        var full = Masks.FromRows("####", "####", "####");
        Assert.Equal(["####", "#..#", "####"], Rows(Surface.Extract(full)));
    }

    [Fact]
    public void Full_cube_surface_is_all_but_the_centre_in_3D()
    {
        var cube = new BinaryMask([3, 3, 3], Enumerable.Repeat((byte)1, 27).ToArray());
        var s = Surface.Extract(cube);
        Assert.Equal(26, s.Data.Count(b => b != 0));
        Assert.Equal(0, s.Data[13]);
    }

    [Fact]
    public void Thin_axis_makes_every_voxel_surface()
    {
        // A single slice: both z-neighbours are outside the grid.
        var slab = new BinaryMask([1, 4, 4], Enumerable.Repeat((byte)1, 16).ToArray());
        Assert.All(Surface.Extract(slab).Data, b => Assert.Equal(1, b));
    }
}
