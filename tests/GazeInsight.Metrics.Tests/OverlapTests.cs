using GazeInsight.Metrics;

namespace GazeInsight.Metrics.Tests;

public class OverlapTests
{
    private static byte[] Mask(string bits) => bits.Select(c => c == '1' ? (byte)255 : (byte)0).ToArray();

    [Fact]
    public void Dice_and_iou_match_hand_counts_with_reference_epsilon()
    {
        // |P| = 3, |G| = 2, |P∩G| = 1, |P∪G| = 4.
        var p = Mask("11100");
        var g = Mask("00110");
        Assert.Equal(2.0 / (5 + 1e-7), Overlap.Dice(p, g), 15);
        Assert.Equal(1.0 / (4 + 1e-7), Overlap.IoU(p, g), 15);
    }

    [Fact]
    public void Any_nonzero_byte_is_foreground()
    {
        byte[] p = [1, 7, 0, 200];
        byte[] g = [255, 255, 0, 255];
        Assert.Equal(1.0, Overlap.Dice(p, g, OverlapPolicy.Monai), 15);
        Assert.Equal(1.0, Overlap.IoU(p, g, OverlapPolicy.Monai), 15);
    }

    [Fact]
    public void Identical_nonempty_masks_give_almost_one_under_reference_and_exactly_one_exact()
    {
        var m = Mask("0110");
        Assert.Equal(4.0 / (4 + 1e-7), Overlap.Dice(m, m), 15);
        Assert.True(Overlap.Dice(m, m) < 1.0);
        Assert.Equal(1.0, Overlap.Dice(m, m, OverlapPolicy.ExactZero));
        Assert.Equal(1.0, Overlap.IoU(m, m, OverlapPolicy.ExactZero));
    }

    [Fact]
    public void Reference_policy_scores_both_empty_as_zero()
    {
        var e = Mask("0000");
        Assert.Equal(0.0, Overlap.Dice(e, e));
        Assert.Equal(0.0, Overlap.IoU(e, e));
    }

    [Theory]
    [InlineData("nan", double.NaN, double.NaN, 0.0)]
    [InlineData("one", 1.0, 0.0, 0.0)]
    [InlineData("zero", 0.0, 0.0, 0.0)]
    [InlineData("reference", 0.0, 0.0, 0.0)]
    public void Empty_mask_policies(string name, double bothEmpty, double truthEmpty, double predictionEmpty)
    {
        var policy = OverlapPolicy.Parse(name);
        var e = Mask("0000");
        var m = Mask("0110");
        Assert.Equal(bothEmpty, Overlap.Dice(e, e, policy));
        Assert.Equal(bothEmpty, Overlap.IoU(e, e, policy));
        Assert.Equal(truthEmpty, Overlap.Dice(m, e, policy));
        Assert.Equal(truthEmpty, Overlap.IoU(m, e, policy));
        Assert.Equal(predictionEmpty, Overlap.Dice(e, m, policy));
        Assert.Equal(predictionEmpty, Overlap.IoU(e, m, policy));
    }

    [Fact]
    public void Unknown_policy_name_is_rejected_with_the_name()
    {
        var ex = Assert.Throws<ArgumentException>(() => OverlapPolicy.Parse("maybe"));
        Assert.Contains("maybe", ex.Message);
    }

    [Fact]
    public void Length_mismatch_throws()
    {
        Assert.Throws<ArgumentException>(() => Overlap.Dice(new byte[3], new byte[4]));
        Assert.Throws<ArgumentException>(() => Overlap.IoU(new byte[3], new byte[4]));
    }

    [Fact]
    public void Dice_is_in_unit_interval_and_relates_to_iou_on_random_masks()
    {
        var rng = new Random(3);
        for (int t = 0; t < 200; t++)
        {
            var p = new byte[rng.Next(1, 64)];
            var g = new byte[p.Length];
            for (int i = 0; i < p.Length; i++)
            {
                p[i] = (byte)(rng.NextDouble() < 0.4 ? 1 : 0);
                g[i] = (byte)(rng.NextDouble() < 0.4 ? 1 : 0);
            }

            double d = Overlap.Dice(p, g, OverlapPolicy.ExactZero);
            double j = Overlap.IoU(p, g, OverlapPolicy.ExactZero);
            Assert.InRange(d, 0.0, 1.0);
            Assert.InRange(j, 0.0, 1.0);
            Assert.True(j <= d + 1e-15);
            if (Overlap.Count(p, g).Union > 0)
            {
                // Dice = 2J/(1+J) holds exactly for the epsilon-free ratios.
                Assert.Equal(2 * j / (1 + j), d, 12);
            }
        }
    }

    [Fact]
    public void Counts_add_up_over_slices()
    {
        var a = Overlap.Count(Mask("1100"), Mask("0110"));
        var b = Overlap.Count(Mask("1111"), Mask("0001"));
        var sum = a + b;
        Assert.Equal(new OverlapCounts(6, 3, 2), sum);
        Assert.Equal(7, sum.Union);
    }

    [Fact]
    public void Vectorised_counts_match_a_plain_loop_on_long_masks()
    {
        // Long enough for several 255-vector chunks plus a scalar tail; arbitrary nonzero values.
        var rng = new Random(9);
        foreach (int length in new[] { 1, 31, 33, 8191, 8192 * 3 + 17, 100_000 })
        {
            var p = new byte[length];
            var g = new byte[length];
            rng.NextBytes(p);
            rng.NextBytes(g);
            for (int i = 0; i < length; i++)
            {
                if (rng.NextDouble() < 0.5)
                {
                    p[i] = 0;
                }

                if (rng.NextDouble() < 0.3)
                {
                    g[i] = 0;
                }
            }

            long cp = p.Count(b => b != 0), cg = g.Count(b => b != 0);
            long both = Enumerable.Range(0, length).Count(i => p[i] != 0 && g[i] != 0);
            Assert.Equal(new OverlapCounts(cp, cg, both), Overlap.Count(p, g));
        }
    }
}
