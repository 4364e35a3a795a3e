using GazeInsight.Imaging.Gaze;

namespace GazeInsight.Imaging.Tests.Gaze;

public class DenseCrfTests
{
    private const int W = 32, H = 32;

    /// <summary>A dark disc (radius 8 at (12, 14)) on a bright background, with mild noise.</summary>
    private static (float[] Image, byte[] Truth) Disc()
    {
        var rng = new Random(3);
        var image = new float[3 * W * H];
        var truth = new byte[W * H];
        for (int y = 0; y < H; y++)
        {
            for (int x = 0; x < W; x++)
            {
                bool inside = (x - 12) * (x - 12) + (y - 14) * (y - 14) <= 64;
                truth[y * W + x] = (byte)(inside ? 1 : 0);
                for (int c = 0; c < 3; c++)
                {
                    image[c * W * H + y * W + x] = (inside ? 90f : 190f) + (float)(rng.NextDouble() * 6 - 3);
                }
            }
        }
        return (image, truth);
    }

    /// <summary>A blurry, shifted blob standing in for a gaze heatmap.</summary>
    private static float[] Prior()
    {
        var prior = new float[W * H];
        for (int y = 0; y < H; y++)
        {
            for (int x = 0; x < W; x++)
            {
                double d2 = (x - 15) * (x - 15) + (y - 16) * (y - 16);
                prior[y * W + x] = (float)Math.Exp(-d2 / (2 * 7.0 * 7.0));
            }
        }
        return prior;
    }

    private static double Dice(float[] map, byte[] truth, float threshold)
    {
        int both = 0, a = 0, b = 0;
        for (int i = 0; i < map.Length; i++)
        {
            bool p = map[i] >= threshold, t = truth[i] != 0;
            both += p && t ? 1 : 0;
            a += p ? 1 : 0;
            b += t ? 1 : 0;
        }
        return 2.0 * both / (a + b + 1e-7);
    }

    [Fact]
    public void Refinement_snaps_a_blurry_prior_to_the_object_it_covers()
    {
        (float[] image, byte[] truth) = Disc();
        float[] prior = Prior();
        // A spatial std suited to a 32 px image; colour std as the reference.
        var options = new DenseCrfOptions { SpatialStd = 10 };
        float[] refined = DenseCrf.Refine(image, 3, W, H, prior, options);
        double before = Dice(prior, truth, 0.5f);
        double after = Dice(refined, truth, 0.5f);
        Assert.True(after > before + 0.1, $"Dice before {before:F3}, after {after:F3}");
        Assert.True(after > 0.9, $"Dice after {after:F3}");
        Assert.All(refined, v => Assert.InRange(v, 0f, 1f));
    }

    [Fact]
    public void The_lattice_and_the_exact_filter_give_close_marginals()
    {
        (float[] image, _) = Disc();
        float[] prior = Prior();
        var options = new DenseCrfOptions { SpatialStd = 10 };
        float[] lattice = DenseCrf.Refine(image, 3, W, H, prior, options);
        float[] exact = DenseCrf.Refine(image, 3, W, H, prior, options with { Filter = BilateralFilterKind.Exact });
        double meanAbs = lattice.Zip(exact, (a, b) => Math.Abs(a - b)).Average();
        Assert.True(meanAbs < 0.05, $"mean |lattice - exact| = {meanAbs:F4}");
    }

    [Fact]
    public void Zero_iterations_return_the_clipped_prior()
    {
        (float[] image, _) = Disc();
        float[] prior = Prior();
        prior[0] = 0;
        prior[1] = 1;
        float[] result = DenseCrf.Refine(image, 3, W, H, prior, new DenseCrfOptions { Iterations = 0 });
        for (int i = 2; i < prior.Length; i++)
        {
            Assert.Equal(Math.Clamp(prior[i], 1e-5, 1 - 1e-5), result[i], 1e-6);
        }
        Assert.Equal(1e-5, result[0], 1e-7);
        Assert.Equal(1 - 1e-5, result[1], 1e-7);
    }

    [Fact]
    public void Gray_images_work_with_one_channel()
    {
        (float[] image, byte[] truth) = Disc();
        float[] refined = DenseCrf.Refine(image.AsSpan(0, W * H), 1, W, H, Prior(), new DenseCrfOptions { SpatialStd = 10 });
        Assert.True(Dice(refined, truth, 0.5f) > 0.9);
    }

    [Fact]
    public void A_prior_of_the_wrong_size_is_rejected() =>
        Assert.Throws<ArgumentException>(() => DenseCrf.Refine(new float[3 * 4], 3, 2, 2, new float[3], new DenseCrfOptions()));
}
