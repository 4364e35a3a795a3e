using System.Diagnostics;
using GazeInsight.Imaging.Data;
using GazeInsight.Imaging.IO;

namespace GazeInsight.Imaging.Gaze;

/// <summary>
/// <c>runner gaze build</c>: reads a fixation CSV, matches its images to a data set's ids and
/// writes <c>gaze/heatmap/&lt;id&gt;.png</c> and <c>gaze/crf_compat1/&lt;id&gt;.png</c> under the
/// data root. Bad rows and unknown images are reported, not fatal; a fixation whose
/// <c>IMAGE_HEIGHT/IMAGE_WIDTH</c> disagree with the image file is reported and the image's
/// actual size used (the map is drawn in normalised coordinates).
/// </summary>
public static class GazeBuild
{
    /// <summary>Folder of the heatmaps under <c>gaze/</c>.</summary>
    public const string HeatmapFolder = "heatmap";

    /// <summary>Folder of the CRF-refined maps under <c>gaze/</c>.</summary>
    public const string CrfFolder = "crf_compat1";

    // Opening the data set without a gaze folder that exists, so that a half-built gaze folder
    // from an earlier run does not make opening fail.
    private const string NoGazeFolder = ".none";

    /// <summary>Builds the maps of every data set id that has fixations.</summary>
    /// <exception cref="InvalidInputException">unreadable CSV, data set or image.</exception>
    public static GazeBuildReport Run(string dataRoot, string layout, string fixationsCsv, HeatmapOptions heatmap, DenseCrfOptions crf,
        IProgress<GazeBuildProgress>? progress = null)
    {
        crf.Validated();
        FixationTable table = FixationCsv.Read(fixationsCsv);
        SegmentationDataset dataset = SegmentationDataset.Open(dataRoot, layout, NoGazeFolder);
        var ids = dataset.TrainIds.Concat(dataset.TestIds).ToList();
        var matcher = new GazeImageMatcher(ids);

        var problems = table.Issues.Select(i => i.Format(fixationsCsv)).ToList();
        var byId = new Dictionary<string, List<FixationRow>>(StringComparer.Ordinal);
        int unknown = 0, skipped = table.Issues.Count;
        foreach ((string image, IReadOnlyList<FixationRow> rows) in table.ByImage())
        {
            string? id = matcher.Match(image);
            if (id is null)
            {
                unknown++;
                skipped += rows.Count;
                problems.Add(InvalidInputException.Format(fixationsCsv, $"line {rows.Min(r => r.Line)}",
                    $"image '{image}' ({rows.Count} fixations) matches no id of the data set"));
                continue;
            }
            if (!byId.TryGetValue(id, out List<FixationRow>? list))
            {
                list = [];
                byId[id] = list;
            }
            list.AddRange(rows);
        }

        string heatDir = Path.Combine(dataRoot, "gaze", HeatmapFolder);
        string crfDir = Path.Combine(dataRoot, "gaze", CrfFolder);
        Directory.CreateDirectory(heatDir);
        Directory.CreateDirectory(crfDir);
        var withGaze = ids.Where(byId.ContainsKey).ToList();
        var sizeProblems = new string?[withGaze.Count];
        long heatTicks = 0, crfTicks = 0;
        int done = 0;
        Parallel.For(0, withGaze.Count, k =>
        {
            string id = withGaze[k];
            RasterImage image = dataset.Load(id).Image;
            List<FixationRow> rows = byId[id];
            FixationRow? mismatch = rows.FirstOrDefault(r => r.Fixation.ImageWidth != image.Width || r.Fixation.ImageHeight != image.Height);
            if (mismatch is not null)
            {
                sizeProblems[k] = InvalidInputException.Format(fixationsCsv, $"line {mismatch.Line}",
                    $"IMAGE_HEIGHT x IMAGE_WIDTH {mismatch.Fixation.ImageHeight}x{mismatch.Fixation.ImageWidth} differs from the image's {image.Height}x{image.Width} ({dataset.ImagePath(id)}); used the image's size");
            }
            var watch = Stopwatch.StartNew();
            byte[] heat = GazeHeatmap.ToBytes(GazeHeatmap.Build(rows.Select(r => r.Fixation).ToList(), image.Width, image.Height, heatmap));
            long afterHeat = watch.ElapsedTicks;
            byte[] refined = GazeMapBuilder.Refine(image, heat, crf);
            Interlocked.Add(ref heatTicks, afterHeat);
            Interlocked.Add(ref crfTicks, watch.ElapsedTicks - afterHeat);
            ImageFile.WriteGray8(Path.Combine(heatDir, id + ".png"), image.Width, image.Height, heat);
            ImageFile.WriteGray8(Path.Combine(crfDir, id + ".png"), image.Width, image.Height, refined);
            progress?.Report(new GazeBuildProgress(Interlocked.Increment(ref done), withGaze.Count));
        });
        problems.AddRange(sizeProblems.OfType<string>());

        double perImage(long ticks) => withGaze.Count == 0 ? double.NaN : ticks * 1000.0 / Stopwatch.Frequency / withGaze.Count;
        return new GazeBuildReport(
            table.Rows.Count - (skipped - table.Issues.Count),
            skipped,
            withGaze.Count,
            unknown,
            ids.Where(id => !byId.ContainsKey(id)).ToList(),
            problems,
            perImage(heatTicks),
            perImage(crfTicks));
    }
}
