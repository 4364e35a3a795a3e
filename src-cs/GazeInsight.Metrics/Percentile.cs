namespace GazeInsight.Metrics;

/// <summary>Percentiles with linear interpolation between order statistics (NumPy's default, "linear").</summary>
public static class Percentile
{
    /// <summary>
    /// The q-th percentile: with values sorted ascending as a[0..n-1], h = (n-1)·q/100,
    /// result = a[⌊h⌋] + (h-⌊h⌋)(a[⌊h⌋+1] - a[⌊h⌋]). NaN for no values.
    /// </summary>
    /// <param name="values">Any order; not modified.</param>
    /// <param name="q">Percentile in [0, 100].</param>
    public static double Linear(ReadOnlySpan<double> values, double q)
    {
        if (!(q >= 0 && q <= 100))
        {
            throw new ArgumentException($"percentile must be in [0, 100], got {q}", nameof(q));
        }

        if (values.Length == 0)
        {
            return double.NaN;
        }

        var sorted = values.ToArray();
        Array.Sort(sorted);
        return OfSorted(sorted, q);
    }

    internal static double OfSorted(ReadOnlySpan<double> sorted, double q)
    {
        double h = (sorted.Length - 1) * (q / 100.0);
        int lo = (int)Math.Floor(h);
        int hi = Math.Min(lo + 1, sorted.Length - 1);
        double a = sorted[lo], b = sorted[hi], t = h - lo;
        // t = 0 or equal neighbours must not turn an infinity into 0·∞ or ∞-∞ = NaN.
        return t == 0 || a == b ? a : a + t * (b - a);
    }
}
