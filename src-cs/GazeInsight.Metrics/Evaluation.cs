namespace GazeInsight.Metrics;

/// <summary>Per-case evaluation: overlap and surface metrics of one prediction/truth pair.</summary>
public static class Evaluation
{
    /// <summary>All metrics of one case (2D image or 3D volume).</summary>
    /// <exception cref="ArgumentException">Shapes or spacings differ, or invalid options.</exception>
    public static CaseMetrics Evaluate(string caseId, BinaryMask prediction, BinaryMask truth, EvaluationOptions options)
    {
        ArgumentNullException.ThrowIfNull(caseId);
        ArgumentNullException.ThrowIfNull(prediction);
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(options);
        var surface = SurfaceDistance.Compute(prediction, truth, options.Surface);
        var counts = Overlap.Count(prediction.Data, truth.Data);
        return new CaseMetrics(
            caseId,
            Overlap.Dice(counts, options.Overlap),
            Overlap.IoU(counts, options.Overlap),
            surface.Hd,
            surface.Hd95,
            surface.Asd,
            surface.Assd,
            surface.Masd);
    }

    /// <summary>
    /// Evaluates many cases in parallel (cases are independent); results keep the input order.
    /// </summary>
    /// <param name="cases">(case id, prediction, truth) triples.</param>
    /// <param name="options">Conventions.</param>
    /// <param name="maxDegreeOfParallelism">-1 = all cores.</param>
    public static IReadOnlyList<CaseMetrics> EvaluateAll(
        IReadOnlyList<(string Case, BinaryMask Prediction, BinaryMask Truth)> cases,
        EvaluationOptions options,
        int maxDegreeOfParallelism = -1)
    {
        ArgumentNullException.ThrowIfNull(cases);
        var results = new CaseMetrics[cases.Count];
        Parallel.For(
            0,
            cases.Count,
            new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism },
            i => results[i] = Evaluate(cases[i].Case, cases[i].Prediction, cases[i].Truth, options));
        return results;
    }
}
