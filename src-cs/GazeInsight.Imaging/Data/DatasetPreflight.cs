namespace GazeInsight.Imaging.Data;

/// <summary>
/// The file-level check a sweep runs on every data folder its cells use, before any cell starts
/// (nnU-Net's integrity check, without reading pixels: <c>runner data check</c> does that):
/// split files, every id's image and mask, a non-empty test split, and for each gaze map folder
/// a method trains on, the map of every training id. Every problem is collected, one line each
/// (<c>file:place: problem</c>).
/// </summary>
public static class DatasetPreflight
{
    public static DatasetPreflightReport Run(string root, string layout, IReadOnlyCollection<string> gazeMapFolders)
    {
        var lay = DatasetLayout.TryGet(layout);
        if (lay is null)
            return new([], [], [InvalidInputException.Format(root, "layout", $"unknown data set layout '{layout}' (known: {string.Join(", ", DatasetLayout.Names)})")]);
        if (!Directory.Exists(root))
            return new([], [], [InvalidInputException.Format(root, null, "data folder not found")]);

        var scan = DatasetScan.Run(root, lay, gazeMapFolders.FirstOrDefault() ?? "heatmap");
        var problems = scan.Problems.Select(p => p.ToString()).ToList();
        if (scan.TestIds.Count == 0 && File.Exists(Path.Combine(root, "test.txt")))
            problems.Add(InvalidInputException.Format(Path.Combine(root, "test.txt"), null, "lists no ids: a cell is evaluated on the test split"));
        foreach (var folder in gazeMapFolders)
        {
            var gazeScan = folder == gazeMapFolders.First() ? scan : DatasetScan.Run(root, lay, folder);
            problems.AddRange(MissingGazeMaps(root, gazeScan, folder));
        }
        return new DatasetPreflightReport(scan.TrainIds, scan.TestIds, problems);
    }

    /// <summary>The gaze map folder missing (one line), or each training id without a map in it (one line each).</summary>
    internal static IEnumerable<string> MissingGazeMaps(string root, DatasetScan scan, string folder)
    {
        if (!scan.HasGazeMaps)
            return [InvalidInputException.Format(Path.Combine(root, DatasetLayout.GazeFolder, folder), null, "gaze map folder not found")];
        return scan.MissingGaze
            .Where(f => f.Split == "train" && f.Image is not null)
            .Select(f => InvalidInputException.Format(f.SplitFile, $"line {f.Line}",
                $"id '{f.Id}' has no gaze map ({DatasetScan.LookedForGaze(folder, f.Id)})"));
    }
}
