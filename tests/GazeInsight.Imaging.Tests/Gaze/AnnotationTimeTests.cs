using System.Text;
using GazeInsight.Imaging.Gaze;

namespace GazeInsight.Imaging.Tests.Gaze;

public class AnnotationTimeTests
{
    [Fact]
    public void Span_runs_from_first_start_to_last_end_and_totals_compare_with_dense_cost()
    {
        string csv = "IMAGE,CURRENT_FIX_INDEX,CURRENT_FIX_X,CURRENT_FIX_Y,CURRENT_FIX_DURATION,CURRENT_FIX_PUPIL,CURRENT_FIX_START,IMAGE_HEIGHT,IMAGE_WIDTH\n"
            + "a.jpg,2,0.5,0.5,300,1,1000,10,10\n"
            + "a.jpg,1,0.5,0.5,200,1,400,10,10\n"
            + "b.jpg,1,0.5,0.5,3600000,1,0,10,10\n";
        var table = FixationCsv.Parse("g.csv", Encoding.UTF8.GetBytes(csv));
        var summary = AnnotationTime.Summarise(table, new AnnotationCostOptions());
        Assert.Equal(2, summary.Images);
        Assert.Equal(new AnnotationTimeRow("a.jpg", 2, 900, 500), summary.Rows[0]);
        Assert.Equal((3_600_000 + 900) / 3_600_000.0, summary.GazeSpanHours, 12);
        Assert.Equal(18.7 * 3600 / 1000, summary.DenseSecondsPerMask, 12);
        Assert.Equal(2 * 67.32 / 3600, summary.DenseHours, 12);
        Assert.Equal(18.7 / 2.2, summary.ReferenceSpeedUp, 12);
    }

    [Fact]
    public void An_explicit_cost_per_mask_wins() =>
        Assert.Equal(30, new AnnotationCostOptions { DenseSecondsPerMask = 30 }.EffectiveDenseSecondsPerMask);
}
