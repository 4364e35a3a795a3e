using GazeInsight.Imaging.Gaze;

namespace GazeInsight.Imaging.Tests.Gaze;

public class PermutohedralLatticeTests
{
    [Theory]
    [InlineData(2)]
    [InlineData(5)]
    public void Normalised_output_approximates_the_exact_gaussian_average(int dims)
    {
        var rng = new Random(dims);
        const int n = 400;
        var features = new float[n * dims];
        var values = new float[n];
        for (int i = 0; i < n; i++)
        {
            for (int k = 0; k < dims; k++)
            {
                features[i * dims + k] = (float)(rng.NextDouble() * 6);
            }
            values[i] = (float)Math.Sin(features[i * dims]) + 0.1f * (float)rng.NextDouble();
        }
        var lattice = new PermutohedralLattice(features, n, dims);
        Assert.InRange(lattice.LatticeSize, 1, n * (dims + 1));
        var input = new float[n * 2];
        for (int i = 0; i < n; i++)
        {
            input[i * 2] = values[i];
            input[i * 2 + 1] = 1f;
        }
        var output = new float[n * 2];
        lattice.Filter(input, output, 2);

        double error = 0, spread = 0;
        double mean = values.Average();
        for (int i = 0; i < n; i++)
        {
            double num = 0, den = 0;
            for (int j = 0; j < n; j++)
            {
                double d2 = 0;
                for (int k = 0; k < dims; k++)
                {
                    double diff = features[i * dims + k] - features[j * dims + k];
                    d2 += diff * diff;
                }
                double w = Math.Exp(-0.5 * d2);
                num += w * values[j];
                den += w;
            }
            error += Math.Abs(output[i * 2] / output[i * 2 + 1] - num / den);
            spread += Math.Abs(values[i] - mean);
        }
        // The approximate smoothing must track the exact one far better than no smoothing does.
        Assert.True(error / n < 0.25 * spread / n, $"mean error {error / n:F4} vs mean spread {spread / n:F4}");
    }

    [Fact]
    public void Distant_points_do_not_interact()
    {
        float[] features = [0, 0, 100, 100];
        var lattice = new PermutohedralLattice(features, 2, 2);
        var output = new float[2];
        lattice.Filter([1f, 0f], output, 1);
        Assert.True(output[0] > 0);
        Assert.Equal(0f, output[1]);
    }
}
