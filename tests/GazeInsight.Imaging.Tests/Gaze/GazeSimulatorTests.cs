using GazeInsight.Imaging.Gaze;

namespace GazeInsight.Imaging.Tests.Gaze;

public class GazeSimulatorTests
{
    private const int W = 60, H = 40;

    private static byte[] Rectangle(int x0, int y0, int x1, int y1)
    {
        var mask = new byte[W * H];
        for (int y = y0; y < y1; y++)
        {
            for (int x = x0; x < x1; x++)
            {
                mask[y * W + x] = 255;
            }
        }
        return mask;
    }

    [Fact]
    public void The_same_seed_and_image_give_the_same_fixations_and_another_seed_does_not()
    {
        byte[] mask = Rectangle(10, 10, 30, 25);
        var options = new GazeSimulationOptions();
        var first = GazeSimulator.Simulate("x.png", mask, W, H, options, 7);
        Assert.Equal(first, GazeSimulator.Simulate("x.png", mask, W, H, options, 7));
        Assert.NotEqual(first, GazeSimulator.Simulate("x.png", mask, W, H, options, 8));
        Assert.NotEqual(first, GazeSimulator.Simulate("y.png", mask, W, H, options, 7));
    }

    [Fact]
    public void Without_noise_or_off_target_glances_every_fixation_is_on_the_mask()
    {
        byte[] mask = Rectangle(10, 10, 30, 25);
        var options = new GazeSimulationOptions { PositionalNoisePx = 0, OffTargetFraction = 0, CentreSpread = 0.1 };
        for (int seed = 0; seed < 20; seed++)
        {
            var fixations = GazeSimulator.Simulate("x.png", mask, W, H, options, seed);
            Assert.InRange(fixations.Count, options.MinFixations, options.MaxFixations);
            Assert.All(fixations, f => Assert.Equal(255, mask[(int)(f.Y * H) * W + (int)(f.X * W)]));
        }
    }

    [Fact]
    public void Off_target_fixations_dwell_on_the_look_alike_map_when_given()
    {
        byte[] mask = Rectangle(5, 5, 15, 15);
        byte[] lookAlike = Rectangle(40, 20, 50, 30);
        var options = new GazeSimulationOptions { PositionalNoisePx = 0, OffTargetFraction = 1 };
        var fixations = GazeSimulator.Simulate("x.png", mask, W, H, options, 3, lookAlike);
        Assert.All(fixations, f => Assert.Equal(255, lookAlike[(int)(f.Y * H) * W + (int)(f.X * W)]));
    }

    [Fact]
    public void Timing_is_sequential_with_durations_above_the_minimum_and_fields_as_released()
    {
        var options = new GazeSimulationOptions { MinFixations = 30, MaxFixations = 30, DurationLogSigma = 1.5 };
        var fixations = GazeSimulator.Simulate("x.png", Rectangle(10, 10, 30, 25), W, H, options, 1);
        Assert.Equal(Enumerable.Range(1, 30), fixations.Select(f => f.Index));
        Assert.All(fixations, f =>
        {
            Assert.True(f.DurationMs >= options.MinDurationMs);
            Assert.InRange(f.X, 0, 1);
            Assert.InRange(f.Y, 0, 1);
            Assert.Equal((H, W), (f.ImageHeight, f.ImageWidth));
        });
        for (int k = 1; k < fixations.Count; k++)
        {
            double gap = fixations[k].StartMs - (fixations[k - 1].StartMs + fixations[k - 1].DurationMs);
            Assert.InRange(gap, options.SaccadeMinMs - 1, options.SaccadeMaxMs + 1);
        }
    }

    [Fact]
    public void Noise_spreads_fixations_beyond_the_mask()
    {
        byte[] mask = Rectangle(20, 15, 30, 25);
        var options = new GazeSimulationOptions { PositionalNoisePx = 8, OffTargetFraction = 0, MinFixations = 200, MaxFixations = 200 };
        var fixations = GazeSimulator.Simulate("x.png", mask, W, H, options, 5);
        int outside = fixations.Count(f => mask[(int)(f.Y * H) * W + (int)(f.X * W)] == 0);
        Assert.InRange(outside, 40, 190);
    }

    [Fact]
    public void Bad_options_name_the_parameter_and_value() =>
        Assert.Equal("off-target fraction must be in [0, 1], got 1.5",
            Assert.Throws<ArgumentException>(() => new GazeSimulationOptions { OffTargetFraction = 1.5 }.Validated()).Message);
}
