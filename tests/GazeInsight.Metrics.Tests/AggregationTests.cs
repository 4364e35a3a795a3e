using GazeInsight.Metrics;

namespace GazeInsight.Metrics.Tests;

public class AggregationTests
{
    [Fact]
    public void Summary_skips_nan_and_counts_valid_values()
    {
        var s = MetricSummary.Of("dice", [0.5, double.NaN, 0.7, 0.9]);
        Assert.Equal(0.7, s.Mean, 12);
        Assert.Equal(Math.Sqrt(0.08 / 3), s.Std, 12); // population std of 0.5, 0.7, 0.9
        Assert.Equal(3, s.Count);
        Assert.Equal(4, s.Total);
    }

    [Fact]
    public void Summary_of_nothing_valid_is_nan_with_zero_count()
    {
        var s = MetricSummary.Of("hd", [double.NaN, double.NaN]);
        Assert.True(double.IsNaN(s.Mean));
        Assert.Equal(0, s.Count);
        Assert.Equal(2, s.Total);
    }

    [Fact]
    public void An_infinite_value_makes_the_mean_infinite()
    {
        var s = MetricSummary.Of("hd", [1.0, double.PositiveInfinity]);
        Assert.True(double.IsPositiveInfinity(s.Mean));
        Assert.True(double.IsNaN(s.Std));
        Assert.Equal(2, s.Count);
    }

    [Fact]
    public void Cases_summarise_per_metric_in_csv_order()
    {
        var cases = new[]
        {
            new CaseMetrics("a", 1.0, 1.0, 0, 0, 0, 0, 0),
            new CaseMetrics("b", 0.5, 1.0 / 3, 2, 1, 1, 1, 1),
        };
        var s = MetricSummary.OfCases(cases);
        Assert.Equal(CaseMetrics.Names, s.Select(x => x.Name));
        Assert.Equal(0.75, s[0].Mean, 12);
        Assert.Equal(0.25, s[0].Std, 12);
        Assert.Equal(1.0, s[2].Mean, 12);
    }

    [Fact]
    public void Evaluate_all_keeps_the_input_order()
    {
        var rng = new Random(5);
        var cases = Enumerable.Range(0, 20)
            .Select(i => ($"case{i}", Masks.Random(rng, [16, 16], null, 0.05), Masks.Random(rng, [16, 16], null, 0.05)))
            .ToArray();
        var all = Evaluation.EvaluateAll(cases, EvaluationOptions.Default);
        for (int i = 0; i < cases.Length; i++)
        {
            var one = Evaluation.Evaluate(cases[i].Item1, cases[i].Item2, cases[i].Item3, EvaluationOptions.Default);
            Assert.Equal(one, all[i]);
        }
    }

    [Fact]
    public void Stacked_slices_form_a_volume_with_slice_spacing_first()
    {
        var a = Masks.FromRows("#.", "..");
        var b = Masks.FromRows("..", ".#");
        var v = BinaryMask.Stack([a.WithSpacing([0.5, 0.7]), b.WithSpacing([0.5, 0.7])], 3.0);
        Assert.Equal([2, 2, 2], v.Shape);
        Assert.Equal([3.0, 0.5, 0.7], v.Spacing);
        Assert.Equal(new byte[] { 1, 0, 0, 0, 0, 0, 0, 1 }, v.Data);
        // The two pixels are one slice and one row and one column apart.
        var onlyFirst = BinaryMask.Stack([a, Masks.Empty(2, 2)], 3.0);
        var onlySecond = BinaryMask.Stack([Masks.Empty(2, 2), b], 3.0);
        Assert.Equal(Math.Sqrt(9 + 1 + 1), SurfaceDistance.Compute(onlyFirst, onlySecond).Hd, 12);
    }

    [Fact]
    public void Mask_validation_names_the_problem()
    {
        Assert.Contains("holds 6", Assert.Throws<ArgumentException>(() => new BinaryMask([2, 3], new byte[5])).Message);
        Assert.Throws<ArgumentException>(() => new BinaryMask([2, 3], new byte[6], [1.0]));
        Assert.Throws<ArgumentException>(() => new BinaryMask([2, 3], new byte[6], [1.0, 0.0]));
        Assert.Throws<ArgumentException>(() => new BinaryMask([0, 3], []));
    }
}
