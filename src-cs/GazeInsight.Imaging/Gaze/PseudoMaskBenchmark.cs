using System.Diagnostics;
using GazeInsight.Imaging.Data;
using GazeInsight.Metrics;

namespace GazeInsight.Imaging.Gaze;

/// <summary>
/// Measures how good the gaze pseudo-masks are: for each image with fixations, builds the
/// heatmap and the CRF map in memory (nothing is written), binarises them at each threshold and
/// scores them against the true mask (per-image Dice <c>2|P&amp;G| / (|P| + |G| + 1e-7)</c>,
/// averaged). Optionally runs the exact-filter CRF on the first images to measure the lattice's
/// approximation. Runs on one thread so the timings are per core.
/// </summary>
public static class PseudoMaskBenchmark
{
    /// <summary>Runs the benchmark over at most <paramref name="limit"/> images (train then test order).</summary>
    public static PseudoMaskBenchmarkResult Run(
        string dataRoot,
        string layout,
        string fixationsCsv,
        IReadOnlyList<double> thresholds,
        HeatmapOptions heatmap,
        DenseCrfOptions crf,
        int limit = int.MaxValue,
        int exactImages = 0,
        IProgress<GazeBuildProgress>? progress = null)
    {
        crf.Validated();
        FixationTable table = FixationCsv.Read(fixationsCsv);
        SegmentationDataset dataset = SegmentationDataset.Open(dataRoot, layout, ".none");
        var matcher = new GazeImageMatcher(dataset.TrainIds.Concat(dataset.TestIds));
        var byId = new Dictionary<string, List<Fixation>>(StringComparer.Ordinal);
        foreach ((string image, IReadOnlyList<FixationRow> imageRows) in table.ByImage())
        {
            if (matcher.Match(image) is string id)
            {
                if (!byId.TryGetValue(id, out List<Fixation>? list))
                {
                    list = [];
                    byId[id] = list;
                }
                list.AddRange(imageRows.Select(r => r.Fixation));
            }
        }
        var ids = dataset.TrainIds.Concat(dataset.TestIds).Where(byId.ContainsKey).Take(limit).ToList();

        int t = thresholds.Count;
        var heatSum = new double[t];
        var crfSum = new double[t];
        var exactSum = new double[t];
        var latticeOnExactSum = new double[t];
        double heatMs = 0, crfMs = 0, exactMs = 0, exactAbs = 0;
        int exactCount = 0, done = 0;
        var exactOptions = crf with { Filter = BilateralFilterKind.Exact };
        foreach (string id in ids)
        {
            SegmentationSample sample = dataset.Load(id);
            RasterImage image = sample.Image;
            var watch = Stopwatch.StartNew();
            byte[] heat = GazeHeatmap.ToBytes(GazeHeatmap.Build(byId[id], image.Width, image.Height, heatmap));
            heatMs += watch.Elapsed.TotalMilliseconds;
            watch.Restart();
            byte[] refined = GazeMapBuilder.Refine(image, heat, crf);
            crfMs += watch.Elapsed.TotalMilliseconds;
            byte[]? exact = null;
            if (exactCount < exactImages)
            {
                watch.Restart();
                exact = GazeMapBuilder.Refine(image, heat, exactOptions);
                exactMs += watch.Elapsed.TotalMilliseconds;
                exactCount++;
                double abs = 0;
                for (int i = 0; i < exact.Length; i++)
                {
                    abs += Math.Abs(exact[i] - refined[i]) / 255.0;
                }
                exactAbs += abs / exact.Length;
            }
            for (int k = 0; k < t; k++)
            {
                heatSum[k] += Dice(heat, thresholds[k], sample.Mask);
                crfSum[k] += Dice(refined, thresholds[k], sample.Mask);
                if (exact is not null)
                {
                    exactSum[k] += Dice(exact, thresholds[k], sample.Mask);
                    latticeOnExactSum[k] += Dice(refined, thresholds[k], sample.Mask);
                }
            }
            progress?.Report(new GazeBuildProgress(++done, ids.Count));
        }

        int n = ids.Count;
        var rows = Enumerable.Range(0, t).Select(k => new PseudoMaskQuality(
            thresholds[k],
            n == 0 ? double.NaN : heatSum[k] / n,
            n == 0 ? double.NaN : crfSum[k] / n,
            n,
            exactCount == 0 ? double.NaN : exactSum[k] / exactCount,
            exactCount == 0 ? double.NaN : latticeOnExactSum[k] / exactCount,
            exactCount)).ToList();
        return new PseudoMaskBenchmarkResult(
            rows,
            n,
            n == 0 ? double.NaN : heatMs / n,
            n == 0 ? double.NaN : crfMs / n,
            exactCount == 0 ? double.NaN : exactMs / exactCount,
            exactCount == 0 ? double.NaN : exactAbs / exactCount);
    }

    /// <summary>Dice of <c>map/255 &gt;= threshold</c> against a 0/1 mask, with the reference's 1e-7 (Metrics.Overlap).</summary>
    public static double Dice(ReadOnlySpan<byte> map, double threshold, ReadOnlySpan<byte> mask)
    {
        var binary = new byte[map.Length];
        for (int i = 0; i < map.Length; i++)
        {
            binary[i] = map[i] / 255.0 >= threshold ? (byte)1 : (byte)0;
        }
        return Overlap.Dice(binary, mask, OverlapPolicy.Reference);
    }
}
