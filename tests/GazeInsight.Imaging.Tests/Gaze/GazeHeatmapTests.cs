using GazeInsight.Imaging.Gaze;

namespace GazeInsight.Imaging.Tests.Gaze;

public class GazeHeatmapTests
{
    private static Fixation At(double x, double y, double duration) => new("a.jpg", 1, x, y, duration, 0, 0, 10, 10);

    [Theory]
    [InlineData(0.0, 0)] // round(0)-1 = -1, clamped
    [InlineData(1.0, 767)]
    [InlineData(2.5 / 768, 1)] // 2.5 rounds to 2 (half to even)
    [InlineData(3.5 / 768, 3)] // 3.5 rounds to 4
    [InlineData(0.5, 383)]
    public void Canvas_index_is_python_round_minus_one_clamped(double x, int expected) =>
        Assert.Equal(expected, GazeHeatmap.CanvasIndex(x, 768));

    [Theory]
    [InlineData(32, 3.0)]
    [InlineData(20, 9.0)] // radius 36 > side: the impulse reflects several times
    public void Canvas_matches_a_direct_reflect_border_gaussian_blur(int n, double sigma)
    {
        var options = new HeatmapOptions(sigma, n);
        Fixation[] fixations = [At(0.1, 0.2, 300), At(0.9, 0.95, 120), At(0.5, 0.2, 80), At(0.0, 1.0, 50)];
        float[] fast = GazeHeatmap.Canvas(fixations, options);

        // Direct 2D convolution with the scipy reflect rule (edge repeated), then min-max.
        var canvas = new double[n * n];
        foreach (Fixation f in fixations)
        {
            canvas[GazeHeatmap.CanvasIndex(f.Y, n) * n + GazeHeatmap.CanvasIndex(f.X, n)] += f.DurationMs;
        }
        int r = options.Radius;
        var w = new double[2 * r + 1];
        for (int k = -r; k <= r; k++)
        {
            w[k + r] = Math.Exp(-0.5 * k * k / (sigma * sigma));
        }
        double wsum = w.Sum();
        int Reflect(int i)
        {
            int period = 2 * n;
            i = ((i % period) + period) % period;
            return i < n ? i : period - 1 - i;
        }
        var blurred = new double[n * n];
        for (int y = 0; y < n; y++)
        {
            for (int x = 0; x < n; x++)
            {
                double s = 0;
                for (int dy = -r; dy <= r; dy++)
                {
                    for (int dx = -r; dx <= r; dx++)
                    {
                        s += w[dy + r] * w[dx + r] * canvas[Reflect(y + dy) * n + Reflect(x + dx)];
                    }
                }
                blurred[y * n + x] = s / (wsum * wsum);
            }
        }
        double min = blurred.Min(), max = blurred.Max();
        for (int i = 0; i < n * n; i++)
        {
            Assert.Equal((blurred[i] - min) / (max - min), fast[i], 1e-5);
        }
    }

    [Fact]
    public void Heatmap_peaks_at_the_longest_fixation_and_spans_zero_to_one()
    {
        float[] map = GazeHeatmap.Build([At(0.25, 0.25, 1000), At(0.8, 0.8, 100)], 64, 48, HeatmapOptions.Kvasir);
        Assert.Equal(64 * 48, map.Length);
        int argmax = Array.IndexOf(map, map.Max());
        Assert.InRange(argmax % 64, 13, 19);
        Assert.InRange(argmax / 64, 9, 14);
        Assert.True(map.Max() > 0.98f);
        Assert.True(map.Min() < 0.02f);
        Assert.All(map, v => Assert.InRange(v, 0f, 1f));
    }

    [Fact]
    public void No_fixations_give_an_all_zero_map() =>
        Assert.All(GazeHeatmap.Build([], 16, 16, HeatmapOptions.Prostate), v => Assert.Equal(0f, v));

    [Fact]
    public void Eight_bit_conversion_rounds_and_clamps() =>
        Assert.Equal(new byte[] { 0, 0, 128, 255, 255 }, GazeHeatmap.ToBytes([-0.5f, 0.001f, 0.5f, 1f, 2f]));

    [Fact]
    public void Sigma_must_be_positive() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new HeatmapOptions(0));
}
