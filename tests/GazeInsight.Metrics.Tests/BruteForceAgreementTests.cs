using GazeInsight.Metrics;

namespace GazeInsight.Metrics.Tests;

/// <summary>The EDT version against the all-pairs reference on random small masks.</summary>
public class BruteForceAgreementTests
{
    private static void AssertClose(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            if (double.IsPositiveInfinity(expected[i]))
            {
                Assert.True(double.IsPositiveInfinity(actual[i]));
            }
            else
            {
                Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-6, $"point {i}: {actual[i]} vs {expected[i]}");
            }
        }
    }

    private static void AssertSame(SurfaceDistanceResult expected, SurfaceDistanceResult actual)
    {
        double[] e = [expected.Hd, expected.Hd95, expected.Asd, expected.Assd, expected.Masd];
        double[] a = [actual.Hd, actual.Hd95, actual.Asd, actual.Assd, actual.Masd];
        for (int k = 0; k < e.Length; k++)
        {
            Assert.True(
                double.IsNaN(e[k]) ? double.IsNaN(a[k]) : Math.Abs(e[k] - a[k]) <= 1e-6,
                $"metric {k}: {a[k]} vs {e[k]}");
        }
    }

    [Theory]
    [InlineData(2, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 3)]
    [InlineData(3, 4)]
    public void Edt_matches_all_pairs(int rank, int seed)
    {
        var rng = new Random(seed);
        int nonEmpty = 0;
        for (int t = 0; t < 150; t++)
        {
            int[] shape = Enumerable.Range(0, rank).Select(_ => rng.Next(1, rank == 2 ? 20 : 9)).ToArray();
            double[] spacing = t % 3 == 0
                ? Enumerable.Repeat(1.0, rank).ToArray()
                : Enumerable.Range(0, rank).Select(_ => 0.25 + 3 * rng.NextDouble()).ToArray();
            double speckle = rng.NextDouble() * 0.25;
            var p = Masks.Random(rng, shape, spacing, speckle);
            var g = Masks.Random(rng, shape, spacing, speckle);
            var fast = SurfaceDistance.Directed(p, g);
            var slow = SurfaceDistance.DirectedBruteForce(p, g);
            AssertClose(slow.PredictionToTruth, fast.PredictionToTruth);
            AssertClose(slow.TruthToPrediction, fast.TruthToPrediction);
            foreach (var hd in new[] { HdPercentile.Pooled, HdPercentile.DirectedMax })
            {
                var options = new SurfaceDistanceOptions(hd);
                AssertSame(SurfaceDistance.Summarize(slow, options), SurfaceDistance.Summarize(fast, options));
            }

            if (fast.PredictionToTruth.Length > 0 && fast.TruthToPrediction.Length > 0)
            {
                nonEmpty++;
            }
        }

        // The generator must mostly produce pairs with something to measure.
        Assert.True(nonEmpty > 100, $"only {nonEmpty} non-empty pairs");
    }
}
