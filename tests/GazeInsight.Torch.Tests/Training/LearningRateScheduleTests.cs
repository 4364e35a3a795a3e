using GazeInsight.Torch.Training;

namespace GazeInsight.Torch.Tests.Training;

public class LearningRateScheduleTests
{
    [Fact]
    public void HalfCosinePerEpochFromInitialTowardsMinimum()
    {
        // 4 epochs of 10 iterations: lr(e) = 1e-4 + (1e-2 - 1e-4)(1 + cos(pi e / 4)) / 2
        var schedule = new LearningRateSchedule(1e-2, 1e-4, IterationsPerEpoch: 10, Iterations: 40);
        Assert.Equal(1e-2, schedule.At(0), 12);
        Assert.Equal(1e-2, schedule.At(9), 12);               // constant within an epoch
        Assert.Equal(1e-4 + 0.0099 * (1 + Math.Sqrt(0.5)) / 2, schedule.At(10), 12);
        Assert.Equal(1e-4 + 0.0099 * 0.5, schedule.At(20), 12);
        Assert.Equal(1e-4 + 0.0099 * (1 - Math.Sqrt(0.5)) / 2, schedule.At(39), 12);
    }
}
