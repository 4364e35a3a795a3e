namespace GazeInsight.Metrics;

/// <summary>
/// Mean ± standard deviation of one metric over cases, with how many values were valid.
/// NaN values are left out (<see cref="Count"/> says how many remained out of
/// <see cref="Total"/>). The standard deviation is the population one (NumPy's <c>np.std</c>
/// default, ddof = 0). An infinite value makes the mean infinite and the deviation NaN.
/// </summary>
public sealed record MetricSummary(string Name, double Mean, double Std, int Count, int Total)
{
    /// <summary>Summarises the values of one metric.</summary>
    public static MetricSummary Of(string name, IEnumerable<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        int total = 0, count = 0;
        double sum = 0;
        var valid = new List<double>();
        foreach (double v in values)
        {
            total++;
            if (!double.IsNaN(v))
            {
                valid.Add(v);
                count++;
                sum += v;
            }
        }

        if (count == 0)
        {
            return new MetricSummary(name, double.NaN, double.NaN, 0, total);
        }

        double mean = sum / count;
        if (double.IsInfinity(mean))
        {
            return new MetricSummary(name, mean, double.NaN, count, total);
        }

        double squares = 0;
        foreach (double v in valid)
        {
            squares += (v - mean) * (v - mean);
        }

        return new MetricSummary(name, mean, Math.Sqrt(squares / count), count, total);
    }

    /// <summary>One summary per metric of <see cref="CaseMetrics.Names"/>, in that order.</summary>
    public static IReadOnlyList<MetricSummary> OfCases(IReadOnlyList<CaseMetrics> cases)
    {
        ArgumentNullException.ThrowIfNull(cases);
        return CaseMetrics.Names
            .Select((name, k) => Of(name, cases.Select(c => c.Values[k])))
            .ToArray();
    }
}
