using GazeInsight.Metrics;

namespace GazeInsight.Metrics.Tests;

public class SurfaceDistanceTests
{
    private static readonly SurfaceDistanceOptions DirectedMax = new(HdPercentile.DirectedMax);

    [Fact]
    public void Single_pixels_three_apart()
    {
        var p = Masks.WithVoxels([8, 8], null, [2, 2]);
        var g = Masks.WithVoxels([8, 8], null, [2, 5]);
        var r = SurfaceDistance.Compute(p, g);
        Assert.Equal(new SurfaceDistanceResult(3, 3, 3, 3, 3), r);
    }

    [Fact]
    public void Anisotropic_spacing_scales_each_axis()
    {
        // 3 rows and 4 columns apart, rows 2.0 and columns 0.5 units: sqrt(6^2 + 2^2).
        var p = Masks.WithVoxels([6, 8], [2.0, 0.5], [1, 1]);
        var g = Masks.WithVoxels([6, 8], [2.0, 0.5], [4, 5]);
        var r = SurfaceDistance.Compute(p, g);
        Assert.Equal(Math.Sqrt(40), r.Hd, 12);
        Assert.Equal(Math.Sqrt(40), r.Assd, 12);
    }

    [Fact]
    public void Two_squares_ten_columns_apart()
    {
        // 4x4 squares at columns 1..4 and 11..14: each ring has 4 pixels in its outer columns and
        // 2 in each inner column, at column distances 7, 8, 9, 10 from the other square's near edge.
        var g = Masks.FromRows(
            "................",
            ".####......####.",
            ".####......####.",
            ".####......####.",
            ".####......####.",
            "................");
        var truth = new BinaryMask([6, 16], g.Data.Select((b, i) => i % 16 < 8 ? b : (byte)0).ToArray());
        var prediction = new BinaryMask([6, 16], g.Data.Select((b, i) => i % 16 >= 8 ? b : (byte)0).ToArray());
        var d = SurfaceDistance.Directed(prediction, truth);
        Assert.Equal(
            new double[] { 7, 7, 7, 7, 8, 8, 9, 9, 10, 10, 10, 10 },
            d.PredictionToTruth.Order().ToArray());
        Assert.Equal(d.PredictionToTruth.Order(), d.TruthToPrediction.Order());
        var r = SurfaceDistance.Compute(prediction, truth);
        Assert.Equal(new SurfaceDistanceResult(10, 10, 8.5, 8.5, 8.5), r);
    }

    [Fact]
    public void Bar_against_a_pixel_separates_every_convention()
    {
        // Prediction: a 1x10 bar; truth: its first pixel. Directed sets {0..9} and {0}.
        var p = Masks.FromRows("##########", "..........");
        var g = Masks.FromRows("#.........", "..........");
        var pooled = SurfaceDistance.Compute(p, g);
        var directed = SurfaceDistance.Compute(p, g, DirectedMax);
        Assert.Equal(9, pooled.Hd);
        // pooled {0,0,1..9}: h = 10 * 0.95 = 9.5 between 8 and 9.
        Assert.Equal(8.5, pooled.Hd95, 12);
        // directed {0..9}: h = 9 * 0.95 = 8.55; {0}: 0; the larger is 8.55.
        Assert.Equal(8.55, directed.Hd95, 12);
        Assert.Equal(4.5, pooled.Asd, 12);
        Assert.Equal(45.0 / 11, pooled.Assd, 12);
        Assert.Equal(2.25, pooled.Masd, 12);
        // ASD is directed: the other way round it is 0.
        Assert.Equal(0.0, SurfaceDistance.Compute(g, p).Asd);
    }

    [Fact]
    public void Object_filling_the_image_has_the_image_border_as_surface()
    {
        var truth = Masks.FromRows("#####", "#####", "#####", "#####", "#####");
        var prediction = Masks.FromRows(".....", ".###.", ".###.", ".###.", ".....");
        var r = SurfaceDistance.Compute(prediction, truth);
        // Prediction ring (8) is 1 from the border; border (16): 4 corners at sqrt 2, 12 at 1.
        double truthMean = (12 + 4 * Math.Sqrt(2)) / 16;
        Assert.Equal(Math.Sqrt(2), r.Hd, 12);
        Assert.Equal(1.0, r.Asd, 12);
        Assert.Equal((8 + 12 + 4 * Math.Sqrt(2)) / 24, r.Assd, 12);
        Assert.Equal(0.5 * (1 + truthMean), r.Masd, 12);
    }

    [Theory]
    [InlineData(0, 3, 1.0)]
    [InlineData(1, 2, 1.0)]
    [InlineData(2, 4, 1.0)]
    [InlineData(0, 2, 2.5)]
    public void Ball_against_a_shifted_ball_has_hd_equal_to_the_shift(int axis, int shift, double axisSpacing)
    {
        // The surface of the shifted ball is the surface translated by v: every point has a partner
        // exactly |v| away, so HD <= |v|; the extreme point in the shift direction has nothing
        // closer, so HD = |v| (in physical units).
        int[] shape = [20, 22, 24];
        double[] spacing = [1.0, 1.0, 1.0];
        spacing[axis] = axisSpacing;
        double[] centre = [9.3, 10.1, 11.6];
        var g = Masks.Ball(shape, centre, 6.2, spacing);
        double[] moved = (double[])centre.Clone();
        moved[axis] += shift;
        var p = Masks.Ball(shape, moved, 6.2, spacing);
        var r = SurfaceDistance.Compute(p, g);
        Assert.Equal(shift * axisSpacing, r.Hd, 12);
        Assert.True(r.Hd95 <= r.Hd);
        Assert.True(r.Assd > 0 && r.Assd < r.Hd);
    }

    [Fact]
    public void Concentric_balls_are_about_the_radius_difference_apart()
    {
        // Continuous spheres of radii 9 and 5 are 4 apart everywhere; digitisation moves each
        // surface by less than one voxel.
        int[] shape = [25, 25, 25];
        double[] c = [12, 12, 12];
        var r = SurfaceDistance.Compute(Masks.Ball(shape, c, 5), Masks.Ball(shape, c, 9));
        Assert.InRange(r.Assd, 3.0, 5.0);
        Assert.InRange(r.Masd, 3.0, 5.0);
        Assert.InRange(r.Hd, 3.5, 5.0);
    }

    [Theory]
    [InlineData(EmptySurfacePolicy.NaN, double.NaN, double.NaN)]
    [InlineData(EmptySurfacePolicy.Infinite, 0.0, double.PositiveInfinity)]
    public void Empty_masks_follow_the_policy(EmptySurfacePolicy policy, double bothEmpty, double oneEmpty)
    {
        var options = new SurfaceDistanceOptions(Empty: policy);
        var e = Masks.Empty(5, 5);
        var m = Masks.WithVoxels([5, 5], null, [2, 2]);
        Assert.Equal(SurfaceDistanceResult.All(bothEmpty), SurfaceDistance.Compute(e, e, options));
        Assert.Equal(SurfaceDistanceResult.All(oneEmpty), SurfaceDistance.Compute(e, m, options));
        Assert.Equal(SurfaceDistanceResult.All(oneEmpty), SurfaceDistance.Compute(m, e, options));
    }

    [Fact]
    public void Directed_sets_report_infinity_towards_an_empty_mask()
    {
        var e = Masks.Empty(5, 5);
        var m = Masks.WithVoxels([5, 5], null, [2, 2], [2, 3]);
        var d = SurfaceDistance.Directed(m, e);
        Assert.Equal([double.PositiveInfinity, double.PositiveInfinity], d.PredictionToTruth);
        Assert.Empty(d.TruthToPrediction);
    }

    [Fact]
    public void Mismatched_shapes_or_spacings_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => SurfaceDistance.Compute(Masks.Empty(4, 5), Masks.Empty(5, 4)));
        var a = new BinaryMask([2, 2], new byte[4], [1.0, 1.0]);
        var b = new BinaryMask([2, 2], new byte[4], [1.0, 2.0]);
        Assert.Throws<ArgumentException>(() => SurfaceDistance.Compute(a, b));
    }
}
