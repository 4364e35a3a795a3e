using GazeInsight.Metrics;

namespace GazeInsight.Metrics.Tests;

public class DistanceTransformTests
{
    /// <summary>Squared distance to the nearest feature by checking every feature.</summary>
    private static double[] BruteForce(byte[] features, int[] shape, double[] spacing)
    {
        int rank = shape.Length;
        int[] Coordinates(int i)
        {
            var c = new int[rank];
            for (int a = rank - 1; a >= 0; a--)
            {
                c[a] = i % shape[a];
                i /= shape[a];
            }

            return c;
        }

        var sites = Enumerable.Range(0, features.Length).Where(i => features[i] != 0).Select(Coordinates).ToArray();
        var result = new double[features.Length];
        for (int i = 0; i < features.Length; i++)
        {
            var x = Coordinates(i);
            double best = double.PositiveInfinity;
            foreach (var s in sites)
            {
                double d = 0;
                for (int a = 0; a < rank; a++)
                {
                    double diff = (x[a] - s[a]) * spacing[a];
                    d += diff * diff;
                }

                best = Math.Min(best, d);
            }

            result[i] = best;
        }

        return result;
    }

    [Fact]
    public void Single_feature_gives_anisotropic_euclidean_distances()
    {
        var features = Masks.WithVoxels([4, 6], [2.0, 0.5], [1, 1]);
        var d = DistanceTransform.Euclidean(features);
        Assert.Equal(0.0, d[Masks.Index([4, 6], [1, 1])]);
        // (3,5) is 2 rows and 4 columns away: (2*2.0)^2 + (4*0.5)^2 = 16 + 4.
        Assert.Equal(Math.Sqrt(20), d[Masks.Index([4, 6], [3, 5])], 12);
    }

    [Fact]
    public void No_feature_gives_infinity_everywhere()
    {
        var d = DistanceTransform.SquaredEuclidean(new byte[12], [3, 4], [1.0, 1.0]);
        Assert.All(d, v => Assert.True(double.IsPositiveInfinity(v)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Matches_brute_force_on_random_grids(int rank)
    {
        var rng = new Random(100 + rank);
        for (int t = 0; t < 60; t++)
        {
            int[] shape = Enumerable.Range(0, rank).Select(_ => rng.Next(1, rank == 3 ? 7 : 13)).ToArray();
            double[] spacing = Enumerable.Range(0, rank).Select(_ => 0.3 + 3 * rng.NextDouble()).ToArray();
            double density = rng.NextDouble() * 0.3;
            var features = new byte[shape.Aggregate(1, (a, b) => a * b)];
            for (int i = 0; i < features.Length; i++)
            {
                features[i] = rng.NextDouble() < density ? (byte)1 : (byte)0;
            }

            var expected = BruteForce(features, shape, spacing);
            var actual = DistanceTransform.SquaredEuclidean(features, shape, spacing);
            for (int i = 0; i < features.Length; i++)
            {
                if (double.IsPositiveInfinity(expected[i]))
                {
                    Assert.True(double.IsPositiveInfinity(actual[i]));
                }
                else
                {
                    Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-9 * (1 + expected[i]), $"voxel {i}: {actual[i]} vs {expected[i]}");
                }
            }
        }
    }
}
