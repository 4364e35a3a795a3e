using GazeInsight.Imaging.Gaze;

namespace GazeInsight.Imaging.Tests.Gaze;

public class GazeLevelsTests
{
    [Fact]
    public void Levels_are_greater_or_equal_thresholds_and_nest()
    {
        float[] map = [0f, 0.2f, 0.3f, 0.45f, 0.5f, 0.9f];
        var masks = GazeLevels.Binarise(map, GazeLevels.Kvasir);
        Assert.Equal(new byte[] { 0, 0, 0, 0, 1, 1 }, masks[0]);
        Assert.Equal(new byte[] { 0, 0, 1, 1, 1, 1 }, masks[1]);
        Assert.Equal(new byte[] { 0, 1, 1, 1, 1, 1 }, GazeLevels.Binarise(map, GazeLevels.Prostate[1]));
    }

    [Fact]
    public void GazeMedSeg_level_sets_have_one_to_five_thresholds()
    {
        for (int n = 1; n <= 5; n++)
        {
            Assert.Equal(n, GazeLevels.GazeMedSeg(n).Count);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => GazeLevels.GazeMedSeg(6));
    }
}
