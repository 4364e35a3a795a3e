using System.Collections.Concurrent;
using GazeInsight.Imaging.IO;

namespace GazeInsight.Imaging.Data;

/// <summary>
/// Integrity check of a data set folder before any training (in the spirit of nnU-Net's):
/// split files well formed, every id with image, mask, gaze map (when asked for) and text
/// embedding (when asked for); every file readable; sizes agree; masks binary. Every problem is
/// collected and reported at once.
/// </summary>
public static class DatasetCheck
{
    /// <summary>
    /// Checks <paramref name="root"/> against <paramref name="layout"/>. With
    /// <paramref name="gazeMapFolder"/> given, <c>gaze/&lt;folder&gt;/</c> must exist and hold a map
    /// per id; with <paramref name="requireText"/>, <c>embeddings/&lt;id&gt;.npy</c> must exist and read.
    /// <paramref name="progress"/> receives the number of ids checked so far.
    /// </summary>
    public static DatasetCheckReport Run(string root, string layout, string? gazeMapFolder, bool requireText, IProgress<int>? progress = null)
    {
        var lay = DatasetLayout.TryGet(layout);
        if (lay is null)
            return Fail(root, layout, $"{root}:layout: unknown data set layout '{layout}' (known: {string.Join(", ", DatasetLayout.Names)})");
        if (!Directory.Exists(root))
            return Fail(root, layout, $"{root}: data folder not found");

        var scan = DatasetScan.Run(root, lay, gazeMapFolder ?? "heatmap");
        var problems = new List<string>(scan.Problems.Select(p => p.ToString()));
        var notes = new List<string>();
        if (gazeMapFolder is not null)
            problems.AddRange(DatasetPreflight.MissingGazeMaps(root, scan, gazeMapFolder));
        if (gazeMapFolder is not null && scan.HasGazeMaps && scan.MissingGaze.Count(f => f.Split == "test") is var untested and > 0)
            notes.Add($"{untested} test ids have no gaze map in {Path.Combine(DatasetLayout.GazeFolder, gazeMapFolder)} (only training reads gaze)");
        if (scan.TestIds.Count == 0)
            notes.Add($"{Path.Combine(root, "test.txt")}: lists no ids (a sweep needs a test split to evaluate on)");

        var perId = new ConcurrentDictionary<int, List<string>>();
        int read = 0, gaze = 0, text = 0, empty = 0, done = 0;
        var files = scan.Files;
        Parallel.For(0, files.Count, i =>
        {
            var f = files[i];
            var local = new List<string>();
            var (r, g, t, e) = CheckOne(root, lay, f, requireText, local);
            Interlocked.Add(ref read, r);
            Interlocked.Add(ref gaze, g);
            Interlocked.Add(ref text, t);
            Interlocked.Add(ref empty, e);
            if (local.Count > 0) perId[i] = local;
            progress?.Report(Interlocked.Increment(ref done));
        });
        foreach (var i in perId.Keys.Order()) problems.AddRange(perId[i]);

        var listed = files.Select(f => f.Id).ToHashSet(StringComparer.Ordinal);
        var imageDir = Path.Combine(root, lay.ImageFolder);
        if (Directory.Exists(imageDir))
        {
            int unlisted = Directory.EnumerateFiles(imageDir)
                .Count(p => lay.ImageExtensions.Contains(Path.GetExtension(p).ToLowerInvariant())
                            && !listed.Contains(Path.GetFileNameWithoutExtension(p)));
            if (unlisted > 0) notes.Add($"{imageDir}: {unlisted} images are in neither train.txt nor test.txt (ignored)");
        }
        else problems.Add($"{imageDir}: image folder not found");
        if (empty > 0) notes.Add($"{empty} masks are empty (no foreground pixel)");

        return new DatasetCheckReport(root, layout, scan.TrainIds.Count, scan.TestIds.Count, read, gaze, text, empty, problems, notes);
    }

    private static DatasetCheckReport Fail(string root, string layout, string problem) =>
        new(root, layout, 0, 0, 0, 0, 0, 0, [problem], []);

    private static (int Read, int Gaze, int Text, int Empty) CheckOne(string root, DatasetLayout lay, DatasetScan.IdFiles f, bool requireText, List<string> problems)
    {
        int read = 0, gaze = 0, text = 0, empty = 0;
        RasterImage? image = null;
        if (f.Image is not null)
        {
            try { image = SampleFiles.ReadImage(f.Image, lay.Modality); }
            catch (InvalidInputException ex) { problems.Add(ex.Message); }
        }
        if (f.Mask is not null)
        {
            try
            {
                var m = ImageFile.Read(f.Mask);
                if (image is not null && (m.Height != image.Height || m.Width != image.Width))
                    problems.Add(InvalidInputException.Format(f.Mask, null, $"size {m.Width}x{m.Height} differs from its image's {image.Width}x{image.Height}"));
                var g = SampleFiles.Gray(m);
                var binary = MaskValues(f.Mask, g, m.Width);
                if (binary is not null) problems.Add(binary);
                if (g.All(v => v <= SampleFiles.MaskThreshold)) empty++;
            }
            catch (InvalidInputException ex) { problems.Add(ex.Message); }
        }
        if (f.Gaze is not null)
        {
            try
            {
                var gm = ImageFile.Read(f.Gaze);
                if (image is not null && (gm.Height != image.Height || gm.Width != image.Width))
                    problems.Add(InvalidInputException.Format(f.Gaze, null, $"size {gm.Width}x{gm.Height} differs from its image's {image.Width}x{image.Height}"));
                gaze++;
            }
            catch (InvalidInputException ex) { problems.Add(ex.Message); }
        }
        if (requireText)
        {
            var npy = Path.Combine(root, DatasetLayout.EmbeddingFolder, f.Id + ".npy");
            if (!File.Exists(npy))
                problems.Add(InvalidInputException.Format(f.SplitFile, $"line {f.Line}", $"id '{f.Id}' has no text embedding ({Path.Combine(DatasetLayout.EmbeddingFolder, f.Id + ".npy")})"));
            else
            {
                try { NpyFile.Read(npy); text++; }
                catch (InvalidInputException ex) { problems.Add(ex.Message); }
            }
        }
        if (image is not null && f.Mask is not null) read++;
        return (read, gaze, text, empty);
    }

    /// <summary>
    /// A mask is binary when its gray levels are 0 and 255 only; lossy JPEG masks may blur the
    /// edge, so there up to 5% of pixels may lie in between. 0/1 masks are an error: thresholded at
    /// 127.5 as the reference does, they would be empty.
    /// </summary>
    private static string? MaskValues(string file, float[] g, int width)
    {
        bool jpeg = Path.GetExtension(file).ToLowerInvariant() is ".jpg" or ".jpeg";
        int between = 0;
        float max = 0;
        foreach (var v in g)
        {
            if (v > max) max = v;
            bool ok = jpeg ? v <= 30 || v >= 225 : v is 0 or 255;
            if (!ok) between++;
        }
        if (max is > 0 and <= 1)
            return InvalidInputException.Format(file, null, "mask uses values 0/1; masks must be 0/255 (thresholded at 127.5 this one would be empty)");
        if (jpeg ? between > g.Length / 20 : between > 0)
        {
            int idx = Array.FindIndex(g, v => jpeg ? v > 30 && v < 225 : v is not (0 or 255));
            return InvalidInputException.Format(file, $"pixel ({idx % width},{idx / width})",
                $"mask is not binary: {between} pixels are neither 0 nor 255{(jpeg ? " (beyond JPEG's blur at edges)" : "")}");
        }
        return null;
    }
}
