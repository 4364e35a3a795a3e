using System.Security.Cryptography;
using System.Text;
using GazeInsight.Imaging.IO;

namespace GazeInsight.Imaging.Data;

/// <summary>
/// A segmentation data set on disk in one of the layouts of <see cref="DatasetLayout"/>:
/// ids and splits from <c>train.txt</c>/<c>test.txt</c>, samples loaded on demand at native size.
/// Opening checks that the split files are well formed and that every listed id has its image
/// and mask; an id without a gaze map gets none (training checks the ids it trains on gaze, the
/// sweep's preflight all of them first). Pixel contents are checked on load (and all at once by
/// <c>runner data check</c>).
/// </summary>
public sealed class SegmentationDataset
{
    private readonly Dictionary<string, Paths> _paths;

    private SegmentationDataset(string root, DatasetLayout layout, string gazeMapFolder, bool hasGaze,
        IReadOnlyList<string> train, IReadOnlyList<string> test, Dictionary<string, Paths> paths)
    {
        Root = root;
        Layout = layout;
        GazeMapFolder = gazeMapFolder;
        HasGazeMaps = hasGaze;
        TrainIds = train;
        TestIds = test;
        _paths = paths;
    }

    /// <summary>The data root as given.</summary>
    public string Root { get; }

    /// <summary>The layout the files follow.</summary>
    public DatasetLayout Layout { get; }

    /// <summary>Image modality (RGB photographs or MRI slices).</summary>
    public Modality Modality => Layout.Modality;

    /// <summary>Name of the folder under <c>gaze/</c> the soft maps come from.</summary>
    public string GazeMapFolder { get; }

    /// <summary>Whether <c>gaze/&lt;GazeMapFolder&gt;/</c> exists (if not, samples carry no gaze map).</summary>
    public bool HasGazeMaps { get; }

    /// <summary>Training ids in the order of <c>train.txt</c>.</summary>
    public IReadOnlyList<string> TrainIds { get; }

    /// <summary>Test ids in the order of <c>test.txt</c>.</summary>
    public IReadOnlyList<string> TestIds { get; }

    /// <summary>The image file of <paramref name="id"/> (resolved on opening).</summary>
    public string ImagePath(string id) => Get(id).Image;

    /// <summary>The mask file of <paramref name="id"/> (resolved on opening).</summary>
    public string MaskPath(string id) => Get(id).Mask;

    /// <summary>The gaze map file of <paramref name="id"/>, null without gaze maps.</summary>
    public string? GazeMapPath(string id) => Get(id).Gaze;

    /// <summary>Where the text embedding of <paramref name="id"/> lives (<c>embeddings/&lt;id&gt;.npy</c>); it may not exist.</summary>
    public string EmbeddingPath(string id) => Path.Combine(Root, DatasetLayout.EmbeddingFolder, id + ".npy");

    /// <summary>
    /// Opens a data set. <paramref name="layout"/> is one of <see cref="DatasetLayout.Names"/>;
    /// <paramref name="gazeMapFolder"/> names the folder under <c>gaze/</c> (e.g. <c>heatmap</c>,
    /// <c>crf_compat1</c>); when it does not exist the samples have no gaze map.
    /// </summary>
    /// <exception cref="InvalidInputException">unknown layout, missing or malformed split files, missing files.</exception>
    public static SegmentationDataset Open(string root, string layout, string gazeMapFolder = "heatmap")
    {
        var lay = DatasetLayout.TryGet(layout)
            ?? throw new InvalidInputException(root, "layout", $"unknown data set layout '{layout}' (known: {string.Join(", ", DatasetLayout.Names)})");
        if (!Directory.Exists(root))
            throw new InvalidInputException(root, null, "data folder not found");
        var scan = DatasetScan.Run(root, lay, gazeMapFolder);
        if (scan.Problems.Count > 0)
        {
            var first = scan.Problems[0];
            var more = scan.Problems.Count > 1 ? $" (and {scan.Problems.Count - 1} more problems; run `runner data check` to list them)" : "";
            throw new InvalidInputException(first.File, first.Place, first.Text + more);
        }
        var paths = scan.Files.ToDictionary(f => f.Id, f => new Paths(f.Image!, f.Mask!, f.Gaze));
        return new SegmentationDataset(root, lay, gazeMapFolder, scan.HasGazeMaps, scan.TrainIds, scan.TestIds, paths);
    }

    /// <summary>
    /// Loads one sample at native size. RGB data sets give 3-channel images (a grayscale file is
    /// repeated into three channels, as PIL's <c>convert('RGB')</c>); MRI gives 1 channel of raw
    /// stored DICOM values. Masks are 1 where the mask's gray level is above 127.5 (colour masks
    /// are reduced to gray with the ITU-R 601 weights PIL uses). Gaze maps are gray level / 255.
    /// </summary>
    /// <exception cref="InvalidInputException">unreadable files or sizes that disagree.</exception>
    public SegmentationSample Load(string id)
    {
        var p = Get(id);
        var image = SampleFiles.ReadImage(p.Image, Layout.Modality);
        var (mask, mh, mw) = SampleFiles.ReadMask(p.Mask);
        SampleFiles.CheckSameSize(p.Mask, image, mh, mw);
        float[]? gaze = null;
        if (p.Gaze is not null)
        {
            (gaze, int gh, int gw) = SampleFiles.ReadGazeMap(p.Gaze);
            SampleFiles.CheckSameSize(p.Gaze, image, gh, gw);
        }
        return new SegmentationSample(id, image, mask, gaze);
    }

    /// <summary>
    /// Carves a validation split out of the training ids: each id is ranked by a hash of
    /// (seed, id) and the lowest round(fraction * n) (at least one when fraction &gt; 0) go to
    /// validation. Deterministic across runs and platforms, independent of the order of
    /// <c>train.txt</c>, and adding ids moves few others. Test ids are never involved.
    /// Both lists keep the order of <c>train.txt</c>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">fraction outside [0, 1), or no training id left.</exception>
    public (IReadOnlyList<string> Train, IReadOnlyList<string> Validation) SplitValidation(double fraction, int seed) =>
        Split(TrainIds, fraction, seed);

    /// <summary>The split of <see cref="SplitValidation"/> applied to any list of ids.</summary>
    public static (IReadOnlyList<string> Train, IReadOnlyList<string> Validation) Split(IReadOnlyList<string> ids, double fraction, int seed)
    {
        if (!(fraction >= 0 && fraction < 1))
            throw new ArgumentOutOfRangeException(nameof(fraction), $"validation fraction must be in [0, 1), got {fraction}");
        if (fraction == 0 || ids.Count == 0) return (ids.ToArray(), Array.Empty<string>());
        int k = Math.Max(1, (int)Math.Round(fraction * ids.Count, MidpointRounding.AwayFromZero));
        if (k >= ids.Count)
            throw new ArgumentOutOfRangeException(nameof(fraction),
                $"validation fraction {fraction} of {ids.Count} training ids leaves no training id");
        var chosen = ids
            .Select(id => (id, key: Rank(seed, id)))
            .OrderBy(t => t.key)
            .ThenBy(t => t.id, StringComparer.Ordinal)
            .Take(k)
            .Select(t => t.id)
            .ToHashSet(StringComparer.Ordinal);
        return (ids.Where(i => !chosen.Contains(i)).ToArray(), ids.Where(chosen.Contains).ToArray());
    }

    // string.GetHashCode is randomised per process; SHA-256 is fixed everywhere.
    private static ulong Rank(int seed, string id)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{seed}\u001f{id}"), hash);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(hash);
    }

    private Paths Get(string id) =>
        _paths.TryGetValue(id, out var p)
            ? p
            : throw new InvalidInputException(Root, id, "id is listed in neither train.txt nor test.txt");

    private sealed record Paths(string Image, string Mask, string? Gaze);
}
