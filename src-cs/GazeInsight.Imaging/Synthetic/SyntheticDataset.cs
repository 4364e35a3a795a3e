using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using GazeInsight.Imaging.Data;
using GazeInsight.Imaging.Gaze;
using GazeInsight.Imaging.IO;

namespace GazeInsight.Imaging.Synthetic;

/// <summary>
/// The built-in synthetic data set, generated on demand into a cache folder in the "generic"
/// layout: <c>images/&lt;id&gt;.png</c> (RGB), <c>masks/&lt;id&gt;.png</c> (0/255),
/// <c>train.txt</c>, <c>test.txt</c>, <c>gaze/fixations.csv</c> (released GazeMedSeg format),
/// <c>gaze/heatmap/&lt;id&gt;.png</c> (8-bit soft map from those fixations),
/// <c>gaze/crf_compat1/&lt;id&gt;.png</c> (its dense-CRF refinement, method.md §2 parameters),
/// <c>text/descriptions.jsonl</c> (one description object per line) and <c>synthetic.json</c>
/// (the options that made it).
/// </summary>
public static class SyntheticDataset
{
    /// <summary>Ids are <c>syn_00000</c>, <c>syn_00001</c>, ...: train first, then test.</summary>
    public static string IdOf(int index) => "syn_" + index.ToString("D5", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Returns the data root for these options, generating it first if the cache lacks it:
    /// <c>cacheRoot/&lt;options.CacheKey()&gt;</c>. Generation goes to a temporary sibling folder
    /// renamed into place at the end, so a data root that exists is complete, and concurrent
    /// callers end up with the same folder.
    /// </summary>
    public static string Ensure(SyntheticOptions options, string cacheRoot, IProgress<SyntheticProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(cacheRoot);
        options.Validated();
        string root = Path.Combine(Path.GetFullPath(cacheRoot), options.CacheKey());
        if (Directory.Exists(root))
        {
            return root;
        }
        Directory.CreateDirectory(cacheRoot);
        string temp = Path.Combine(Path.GetFullPath(cacheRoot), $".tmp-{options.CacheKey()}-{Guid.NewGuid():N}");
        try
        {
            Generate(options, temp, progress);
            try
            {
                Directory.Move(temp, root);
            }
            catch (IOException) when (Directory.Exists(root))
            {
                // Another process finished the same set first; theirs is identical.
            }
        }
        finally
        {
            if (Directory.Exists(temp))
            {
                Directory.Delete(temp, recursive: true);
            }
        }
        return root;
    }

    /// <summary>Writes the whole data set into <paramref name="root"/> (which should be empty or absent).</summary>
    public static void Generate(SyntheticOptions options, string root, IProgress<SyntheticProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validated();
        int total = options.TrainCount + options.TestCount;
        int size = options.ImageSize;
        foreach (string sub in new[] { "images", "masks", "gaze/" + GazeBuild.HeatmapFolder, "gaze/" + GazeBuild.CrfFolder, "text" })
        {
            Directory.CreateDirectory(Path.Combine(root, sub));
        }
        var gaze = new GazeSimulationOptions
        {
            MinFixations = options.GazeMinFixations,
            MaxFixations = options.GazeMaxFixations,
            PositionalNoisePx = options.GazeNoise * size,
            OffTargetFraction = options.GazeOffTargetFraction,
            DecoyDwell = options.DecoyDwell,
            BoundaryOvershoot = options.GazeSpill,
        }.Validated();
        var heatmap = new HeatmapOptions(options.HeatmapSigma);
        var crf = new DenseCrfOptions();
        long gazeSeed = unchecked(options.Seed * 1_000_003L + 17);

        var fixations = new IReadOnlyList<Fixation>[total];
        var descriptions = new LesionDescription[total];
        int done = 0;
        Parallel.For(0, total, i =>
        {
            string id = IdOf(i);
            (byte[] pixels, int channels, byte[] mask, byte[] distractorMask, byte[]? decoyMask, LesionDescription description) = Render(options, id);
            IReadOnlyList<Fixation> simulated = GazeSimulator.Simulate(id + ".png", mask, size, size, gaze, gazeSeed, distractorMask, decoyMask);
            byte[] heat = GazeHeatmap.ToBytes(GazeHeatmap.Build(simulated, size, size, heatmap));
            byte[] refined = GazeHeatmap.ToBytes(DenseCrf.Refine(ChannelMajor(pixels, channels, size), channels, size, size, GazeHeatmap.FromBytes(heat), crf));
            if (channels == 3)
            {
                ImageFile.WriteRgb8(Path.Combine(root, "images", id + ".png"), size, size, pixels);
            }
            else
            {
                ImageFile.WriteGray8(Path.Combine(root, "images", id + ".png"), size, size, pixels);
            }
            ImageFile.WriteGray8(Path.Combine(root, "masks", id + ".png"), size, size, mask);
            ImageFile.WriteGray8(Path.Combine(root, "gaze", GazeBuild.HeatmapFolder, id + ".png"), size, size, heat);
            ImageFile.WriteGray8(Path.Combine(root, "gaze", GazeBuild.CrfFolder, id + ".png"), size, size, refined);
            fixations[i] = simulated;
            descriptions[i] = description;
            progress?.Report(new SyntheticProgress(Interlocked.Increment(ref done), total));
        });

        FixationCsv.Write(Path.Combine(root, "gaze", "fixations.csv"), fixations.SelectMany(f => f));
        WriteDescriptions(Path.Combine(root, "text", "descriptions.jsonl"), descriptions);
        File.WriteAllText(Path.Combine(root, "train.txt"), string.Concat(Enumerable.Range(0, options.TrainCount).Select(i => IdOf(i) + "\n")));
        File.WriteAllText(Path.Combine(root, "test.txt"), string.Concat(Enumerable.Range(options.TrainCount, options.TestCount).Select(i => IdOf(i) + "\n")));
        File.WriteAllText(Path.Combine(root, "synthetic.json"), JsonSerializer.Serialize(options, new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    /// <summary>One scene of the options' modality: pixels (interleaved), channels, lesion and
    /// look-alike masks, the decoys' mask (RGB only), and the (possibly corrupted) description.</summary>
    private static (byte[] Pixels, int Channels, byte[] Mask, byte[] DistractorMask, byte[]? DecoyMask, LesionDescription Description) Render(SyntheticOptions options, string id)
    {
        if (options.Modality == Modality.Mri)
        {
            SyntheticMriScene.Slice slice = SyntheticMriScene.Render(id, options.ImageSize, options.Distractors, options.Seed);
            return (slice.Gray, 1, slice.Mask, slice.DistractorMask, null, SyntheticMriScene.Corrupt(slice.Description, options.DescriptionCorruption, options.Seed));
        }
        SyntheticScene scene = SyntheticScene.Render(id, options.ImageSize, options.Distractors, options.Seed, options.Decoys);
        return (scene.Rgb, 3, scene.Mask, scene.DistractorMask, scene.DecoyMask, SyntheticScene.Corrupt(scene.Description, options.DescriptionCorruption, options.Seed));
    }

    private static float[] ChannelMajor(byte[] pixels, int channels, int size)
    {
        if (channels == 1)
        {
            return pixels.Select(v => (float)v).ToArray();
        }
        byte[] rgb = pixels;
        int n = size * size;
        var planes = new float[3 * n];
        for (int i = 0; i < n; i++)
        {
            planes[i] = rgb[i * 3];
            planes[n + i] = rgb[i * 3 + 1];
            planes[2 * n + i] = rgb[i * 3 + 2];
        }
        return planes;
    }

    /// <summary>One JSON object per line with the keys the description reader expects.</summary>
    public static void WriteDescriptions(string path, IEnumerable<LesionDescription> descriptions)
    {
        using var stream = File.Create(path);
        var writerOptions = new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        foreach (LesionDescription d in descriptions)
        {
            using (var writer = new Utf8JsonWriter(stream, writerOptions))
            {
                writer.WriteStartObject();
                writer.WriteString("id", d.Id);
                writer.WriteString("Location", d.Location);
                writer.WriteString("Boundary", d.Boundary);
                writer.WriteString("Characteristics", d.Characteristics);
                writer.WriteString("Area Percentage", d.AreaPercentage);
                writer.WriteString("Confidence", d.Confidence);
                writer.WriteString("Remarks", d.Remarks);
                writer.WriteEndObject();
            }
            stream.WriteByte((byte)'\n');
        }
    }
}
