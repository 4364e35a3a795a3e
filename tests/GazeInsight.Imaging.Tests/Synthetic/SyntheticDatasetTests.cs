using System.Text.Json;
using GazeInsight.Imaging.Data;
using GazeInsight.Imaging.Gaze;
using GazeInsight.Imaging.IO;
using GazeInsight.Imaging.Synthetic;

namespace GazeInsight.Imaging.Tests.Synthetic;

public sealed class SyntheticDatasetTests : IDisposable
{
    private static readonly SyntheticOptions Small = new() { ImageSize = 48, TrainCount = 6, TestCount = 3, Seed = 11 };
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "gi-synth-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, true);
        }
    }

    private static IEnumerable<string> Files(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(root, f)).Order(StringComparer.Ordinal);

    [Fact]
    public void Writes_the_generic_layout_with_splits_gaze_and_descriptions()
    {
        var reports = new List<SyntheticProgress>();
        string root = SyntheticDataset.Ensure(Small, _dir, new SyncProgress(reports));
        Assert.Equal(Path.Combine(_dir, Small.CacheKey()), root);
        string[] train = File.ReadAllLines(Path.Combine(root, "train.txt"));
        string[] test = File.ReadAllLines(Path.Combine(root, "test.txt"));
        Assert.Equal(6, train.Length);
        Assert.Equal(3, test.Length);
        Assert.Empty(train.Intersect(test));
        Assert.Equal(9, reports.Count);
        Assert.Contains(reports, r => r.Done == 9 && r.Total == 9);

        foreach (string id in train.Concat(test))
        {
            RasterImage image = ImageFile.Read(Path.Combine(root, "images", id + ".png"));
            RasterImage mask = ImageFile.Read(Path.Combine(root, "masks", id + ".png"));
            RasterImage heat = ImageFile.Read(Path.Combine(root, "gaze", "heatmap", id + ".png"));
            RasterImage crf = ImageFile.Read(Path.Combine(root, "gaze", "crf_compat1", id + ".png"));
            Assert.Equal((1, 48, 48), (crf.Channels, crf.Height, crf.Width));
            Assert.Equal((3, 48, 48), (image.Channels, image.Height, image.Width));
            Assert.Equal((1, 48, 48), (mask.Channels, mask.Height, mask.Width));
            Assert.Equal((1, 48, 48), (heat.Channels, heat.Height, heat.Width));
            Assert.All(mask.Pixels, v => Assert.True(v == 0 || v == 255));
            Assert.Contains(255f, mask.Pixels);
            // Min-max happens on the 768 canvas, so the resized peak is close to, not exactly, 255.
            Assert.InRange(heat.Pixels.Max(), 220f, 255f);
        }

        FixationTable fixations = FixationCsv.Read(Path.Combine(root, "gaze", "fixations.csv"));
        Assert.Empty(fixations.Issues);
        Assert.Equal(train.Concat(test).Select(id => id + ".png").Order(), fixations.ByImage().Select(g => g.Key).Order());

        string[] lines = File.ReadAllLines(Path.Combine(root, "text", "descriptions.jsonl"));
        Assert.Equal(9, lines.Length);
        string[] keys = ["id", "Location", "Boundary", "Characteristics", "Area Percentage", "Confidence", "Remarks"];
        foreach (string line in lines)
        {
            using var doc = JsonDocument.Parse(line);
            Assert.Equal(keys, doc.RootElement.EnumerateObject().Select(p => p.Name));
            Assert.All(doc.RootElement.EnumerateObject(), p => Assert.Equal(JsonValueKind.String, p.Value.ValueKind));
        }
    }

    [Fact]
    public void The_same_options_give_identical_bytes_and_another_seed_does_not()
    {
        string a = SyntheticDataset.Ensure(Small, Path.Combine(_dir, "a"));
        string b = SyntheticDataset.Ensure(Small, Path.Combine(_dir, "b"));
        string c = SyntheticDataset.Ensure(Small with { Seed = 12 }, Path.Combine(_dir, "c"));
        Assert.Equal(Files(a), Files(b));
        foreach (string file in Files(a))
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(a, file)), File.ReadAllBytes(Path.Combine(b, file)));
        }
        Assert.NotEqual(File.ReadAllBytes(Path.Combine(a, "images", "syn_00000.png")), File.ReadAllBytes(Path.Combine(c, "images", "syn_00000.png")));
        Assert.NotEqual(Path.GetFileName(a), Path.GetFileName(c));
    }

    [Fact]
    public void An_existing_data_root_is_returned_without_regenerating()
    {
        string root = SyntheticDataset.Ensure(Small, _dir);
        string marker = Path.Combine(root, "marker");
        File.WriteAllText(marker, "kept");
        Assert.Equal(root, SyntheticDataset.Ensure(Small, _dir));
        Assert.True(File.Exists(marker));
        Assert.Single(Directory.EnumerateDirectories(_dir));
    }

    [Fact]
    public void Gaze_maps_locate_the_lesion_but_are_worse_than_the_true_mask()
    {
        var options = Small with { TrainCount = 20, TestCount = 1 };
        string root = SyntheticDataset.Ensure(options, _dir);
        double sum = 0;
        int count = 0;
        foreach (string id in File.ReadAllLines(Path.Combine(root, "train.txt")))
        {
            float[] mask = ImageFile.Read(Path.Combine(root, "masks", id + ".png")).Pixels;
            float[] heat = ImageFile.Read(Path.Combine(root, "gaze", "heatmap", id + ".png")).Pixels;
            int both = 0, m = 0, h = 0;
            for (int i = 0; i < mask.Length; i++)
            {
                bool inMask = mask[i] > 127, inHeat = heat[i] >= 0.5f * 255;
                both += inMask && inHeat ? 1 : 0;
                m += inMask ? 1 : 0;
                h += inHeat ? 1 : 0;
            }
            sum += 2.0 * both / (m + h);
            count++;
        }
        Assert.InRange(sum / count, 0.35, 0.9);
    }

    [Fact]
    public void Descriptions_follow_the_drawn_lesion_and_corruption_changes_some_fields()
    {
        string exact = SyntheticDataset.Ensure(Small, Path.Combine(_dir, "exact"));
        string noisy = SyntheticDataset.Ensure(Small with { DescriptionCorruption = 1.0 }, Path.Combine(_dir, "noisy"));
        string[] exactLines = File.ReadAllLines(Path.Combine(exact, "text", "descriptions.jsonl"));
        string[] noisyLines = File.ReadAllLines(Path.Combine(noisy, "text", "descriptions.jsonl"));
        for (int i = 0; i < exactLines.Length; i++)
        {
            using var e = JsonDocument.Parse(exactLines[i]);
            using var n = JsonDocument.Parse(noisyLines[i]);
            string id = e.RootElement.GetProperty("id").GetString()!;
            float[] mask = ImageFile.Read(Path.Combine(exact, "masks", id + ".png")).Pixels;
            double percent = 100.0 * mask.Count(v => v > 0) / mask.Length;
            string area = e.RootElement.GetProperty("Area Percentage").GetString()!;
            Assert.Equal(Math.Round(percent, MidpointRounding.AwayFromZero), double.Parse(area.TrimEnd('%'), System.Globalization.CultureInfo.InvariantCulture));
            foreach (string key in new[] { "Location", "Boundary", "Area Percentage", "Confidence" })
            {
                Assert.NotEqual(e.RootElement.GetProperty(key).GetString(), n.RootElement.GetProperty(key).GetString());
            }
        }
        // Images do not depend on the text corruption.
        Assert.Equal(File.ReadAllBytes(Path.Combine(exact, "images", "syn_00001.png")), File.ReadAllBytes(Path.Combine(noisy, "images", "syn_00001.png")));
    }

    [Fact]
    public void Bad_options_name_the_option_and_value() =>
        Assert.Equal("image size must be in 32..1024, got 8",
            Assert.Throws<ArgumentException>(() => SyntheticDataset.Ensure(Small with { ImageSize = 8 }, "/nonexistent")).Message);

    private sealed class SyncProgress(List<SyntheticProgress> reports) : IProgress<SyntheticProgress>
    {
        public void Report(SyntheticProgress value)
        {
            lock (reports)
            {
                reports.Add(value);
            }
        }
    }
}
