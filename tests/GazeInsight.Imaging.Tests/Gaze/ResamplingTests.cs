using GazeInsight.Imaging.Gaze;

namespace GazeInsight.Imaging.Tests.Gaze;

public class ResamplingTests
{
    [Fact]
    public void Same_size_is_the_identity()
    {
        float[] source = Enumerable.Range(0, 12).Select(i => (float)(i * i % 7)).ToArray();
        Assert.Equal(source, Resampling.Bicubic(source, 4, 3, 4, 3));
    }

    [Fact]
    public void A_linear_ramp_stays_linear_away_from_the_border()
    {
        // Cubic convolution reproduces linear functions wherever no tap is clamped.
        const int src = 64, dst = 16;
        float[] ramp = new float[src * src];
        for (int y = 0; y < src; y++)
        {
            for (int x = 0; x < src; x++)
            {
                ramp[y * src + x] = 2f * x + 0.5f * y;
            }
        }
        float[] resized = Resampling.Bicubic(ramp, src, src, dst, dst);
        for (int y = 1; y < dst - 1; y++)
        {
            for (int x = 1; x < dst - 1; x++)
            {
                double sx = (x + 0.5) * 4 - 0.5, sy = (y + 0.5) * 4 - 0.5;
                Assert.Equal(2 * sx + 0.5 * sy, resized[y * dst + x], 3);
            }
        }
    }

    [Fact]
    public void Upscaling_interpolates_between_samples()
    {
        float[] resized = Resampling.Bicubic([0f, 1f], 2, 1, 4, 1);
        // Positions -0.25, 0.25, 0.75, 1.25 of a two-sample step with replicated edges: a = -0.75
        // overshoots by 0.1055 at the ends (OpenCV does the same).
        Assert.Equal(-0.10546875f, resized[0], 5);
        Assert.True(resized[1] > 0 && resized[1] < 0.5f);
        Assert.Equal(1f, resized[1] + resized[2], 5);
        Assert.Equal(1.10546875f, resized[3], 5);
    }
}
