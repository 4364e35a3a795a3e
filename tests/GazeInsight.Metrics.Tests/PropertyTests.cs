using GazeInsight.Metrics;

namespace GazeInsight.Metrics.Tests;

public class PropertyTests
{
    public static TheoryData<int> Seeds => new() { 11, 12, 13, 14, 15 };

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Metric_properties_hold_on_random_masks(int seed)
    {
        var rng = new Random(seed);
        var options = new EvaluationOptions(OverlapPolicy.ExactZero, SurfaceDistanceOptions.Default);
        var directedMax = new SurfaceDistanceOptions(HdPercentile.DirectedMax);
        for (int t = 0; t < 40; t++)
        {
            int rank = 2 + t % 2;
            int[] shape = Enumerable.Range(0, rank).Select(_ => rng.Next(2, rank == 2 ? 40 : 14)).ToArray();
            double[] spacing = Enumerable.Range(0, rank).Select(_ => 0.5 + rng.NextDouble()).ToArray();
            var p = Masks.Random(rng, shape, spacing, rng.NextDouble() * 0.1);
            var g = Masks.Random(rng, shape, spacing, rng.NextDouble() * 0.1);
            var pg = Evaluation.Evaluate("x", p, g, options);
            var gp = Evaluation.Evaluate("x", g, p, options);

            Assert.InRange(pg.Dice, 0.0, 1.0);
            Assert.InRange(pg.IoU, 0.0, pg.Dice);
            Assert.Equal(pg.Dice, gp.Dice);
            if (double.IsNaN(pg.Hd))
            {
                Assert.True(p.Data.All(b => b == 0) || g.Data.All(b => b == 0));
                continue;
            }

            Assert.Equal(pg.Hd, gp.Hd);
            Assert.Equal(pg.Assd, gp.Assd, 12);
            Assert.Equal(pg.Masd, gp.Masd, 12);
            Assert.Equal(pg.Hd95, gp.Hd95); // pooled: the same multiset
            Assert.True(pg.Hd95 <= pg.Hd);
            Assert.True(pg.Asd <= pg.Hd && pg.Assd <= pg.Hd && pg.Masd <= pg.Hd);
            // ASSD is a weighted mean of the two directed means, MASD their plain mean.
            Assert.InRange(pg.Assd, Math.Min(pg.Asd, gp.Asd) - 1e-12, Math.Max(pg.Asd, gp.Asd) + 1e-12);
            Assert.Equal(0.5 * (pg.Asd + gp.Asd), pg.Masd, 12);

            var dm = SurfaceDistance.Compute(p, g, directedMax);
            Assert.True(dm.Hd95 <= dm.Hd);
            Assert.Equal(dm.Hd95, SurfaceDistance.Compute(g, p, directedMax).Hd95);

            var same = Evaluation.Evaluate("x", p, p, options);
            Assert.Equal(1.0, same.Dice);
            Assert.Equal(1.0, same.IoU);
            Assert.Equal(SurfaceDistanceResult.All(0), SurfaceDistance.Compute(p, p));
        }
    }

    [Fact]
    public void Percentile_is_numpy_linear()
    {
        // np.percentile([1, 2, 3, 4], 95) = 3.85; [3, 1, 2] at 50 = 2; one value is itself.
        Assert.Equal(3.85, Percentile.Linear([1, 2, 3, 4], 95), 12);
        Assert.Equal(2.0, Percentile.Linear([3, 1, 2], 50));
        Assert.Equal(5.0, Percentile.Linear([5], 95));
        Assert.Equal(1.0, Percentile.Linear([4, 1, 3], 0));
        Assert.Equal(4.0, Percentile.Linear([4, 1, 3], 100));
        Assert.True(double.IsNaN(Percentile.Linear([], 95)));
        Assert.Throws<ArgumentException>(() => Percentile.Linear([1.0], 101));
    }
}
