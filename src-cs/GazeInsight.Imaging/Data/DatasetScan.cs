namespace GazeInsight.Imaging.Data;

/// <summary>
/// File-level view of a data set folder: split files parsed and every id's files resolved,
/// with every problem collected rather than stopping at the first. A missing gaze map is not a
/// problem here (only methods that train on gaze need one, for the training ids: see
/// <see cref="MissingGaze"/>), nor is an empty test split (building gaze maps needs none; a
/// sweep's preflight requires one).
/// </summary>
internal sealed class DatasetScan
{
    public sealed record Problem(string File, string? Place, string Text)
    {
        public override string ToString() => InvalidInputException.Format(File, Place, Text);
    }

    public sealed record IdFiles(string Id, string Split, string SplitFile, int Line, string? Image, string? Mask, string? Gaze);

    public required IReadOnlyList<string> TrainIds { get; init; }
    public required IReadOnlyList<string> TestIds { get; init; }
    public required IReadOnlyList<IdFiles> Files { get; init; }
    public required bool HasGazeMaps { get; init; }
    public required List<Problem> Problems { get; init; }

    /// <summary>The ids without a map in the gaze map folder (all of them when the folder does not exist).</summary>
    public IEnumerable<IdFiles> MissingGaze => Files.Where(f => f.Gaze is null);

    /// <summary>Where a gaze map of <paramref name="id"/> was looked for.</summary>
    public static string LookedForGaze(string gazeMapFolder, string id) =>
        Looked(Path.Combine(DatasetLayout.GazeFolder, gazeMapFolder), id, DatasetLayout.GazeMapExtensions);

    public static DatasetScan Run(string root, DatasetLayout layout, string gazeMapFolder)
    {
        var problems = new List<Problem>();
        var train = ReadSplit(root, "train.txt", problems);
        var test = ReadSplit(root, "test.txt", problems);

        var trainSet = train.Select(t => t.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var (id, line) in test)
            if (trainSet.Contains(id))
                problems.Add(new(Path.Combine(root, "test.txt"), $"line {line}", $"id '{id}' is also in train.txt (a test image must never be trained on)"));

        var gazeDir = Path.Combine(root, DatasetLayout.GazeFolder, gazeMapFolder);
        bool hasGaze = Directory.Exists(gazeDir);
        var files = new List<IdFiles>();
        foreach (var (split, list) in new[] { ("train", train), ("test", test) })
        {
            var splitFile = Path.Combine(root, split + ".txt");
            foreach (var (id, line) in list)
            {
                var image = Find(root, layout.ImageFolder, id, layout.ImageExtensions);
                var mask = Find(root, layout.MaskFolder, id + layout.MaskSuffix, layout.MaskExtensions);
                string? gaze = hasGaze ? Find(root, Path.Combine(DatasetLayout.GazeFolder, gazeMapFolder), id, DatasetLayout.GazeMapExtensions) : null;
                if (image is null)
                    problems.Add(new(splitFile, $"line {line}", $"id '{id}' has no image ({Looked(layout.ImageFolder, id, layout.ImageExtensions)})"));
                if (mask is null)
                    problems.Add(new(splitFile, $"line {line}", $"id '{id}' has no mask ({Looked(layout.MaskFolder, id + layout.MaskSuffix, layout.MaskExtensions)})"));
                files.Add(new IdFiles(id, split, splitFile, line, image, mask, gaze));
            }
        }

        return new DatasetScan
        {
            TrainIds = train.Select(t => t.Id).ToArray(),
            TestIds = test.Select(t => t.Id).ToArray(),
            Files = files,
            HasGazeMaps = hasGaze,
            Problems = problems,
        };
    }

    private static string Looked(string folder, string stem, IReadOnlyList<string> exts) =>
        "looked for " + string.Join(", ", exts.Select(e => Path.Combine(folder, stem + e)));

    private static string? Find(string root, string folder, string stem, IReadOnlyList<string> exts)
    {
        foreach (var e in exts)
        {
            var p = Path.Combine(root, folder, stem + e);
            if (File.Exists(p)) return p;
        }
        return null;
    }

    private static List<(string Id, int Line)> ReadSplit(string root, string name, List<Problem> problems)
    {
        var path = Path.Combine(root, name);
        var ids = new List<(string, int)>();
        if (!File.Exists(path))
        {
            problems.Add(new(path, null, "split file not found (one id per line, no extension)"));
            return ids;
        }
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path, new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true));
        }
        catch (System.Text.DecoderFallbackException)
        {
            problems.Add(new(path, null, "split file is not valid UTF-8"));
            return ids;
        }
        catch (IOException ex)
        {
            problems.Add(new(path, null, $"cannot read split file: {ex.Message}"));
            return ids;
        }

        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < lines.Length; i++)
        {
            var id = lines[i].Trim();
            int line = i + 1;
            if (id.Length == 0) continue;
            if (id.IndexOfAny(['/', '\\']) >= 0 || id is "." or ".." || id.Any(char.IsWhiteSpace) || id.Any(char.IsControl))
            {
                problems.Add(new(path, $"line {line}", $"'{id}' is not an id (a file name without extension or folder)"));
                continue;
            }
            if (seen.TryGetValue(id, out var first))
            {
                problems.Add(new(path, $"line {line}", $"id '{id}' repeats line {first}"));
                continue;
            }
            seen[id] = line;
            ids.Add((id, line));
        }
        if (ids.Count == 0 && name == "train.txt" && !problems.Any(p => p.File == path))
            problems.Add(new(path, null, "split file lists no ids"));
        return ids;
    }
}
