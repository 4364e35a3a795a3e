using System.Security.Cryptography;
using System.Text;
using GazeInsight.Imaging.Data;
using GazeInsight.Imaging.IO;
using GazeInsight.Imaging.Synthetic;

namespace GazeInsight.Imaging.Tests.Synthetic;

public sealed class SyntheticMriTests : IDisposable
{
    private static readonly SyntheticOptions Small = new() { ImageSize = 48, TrainCount = 6, TestCount = 3, Seed = 11 };
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "gi-synth-mri-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, true);
        }
    }

    /// <summary>SHA-256 over every file's relative path and bytes, in ordinal path order.</summary>
    private static string Digest(string root)
    {
        using var sha = SHA256.Create();
        var all = new List<byte>();
        foreach (string file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
                     .Select(f => Path.GetRelativePath(root, f)).Order(StringComparer.Ordinal))
        {
            all.AddRange(Encoding.UTF8.GetBytes(file + "\n"));
            all.AddRange(File.ReadAllBytes(Path.Combine(root, file)));
        }
        return Convert.ToHexString(sha.ComputeHash(all.ToArray())).ToLowerInvariant();
    }

    [Fact]
    public void The_default_RGB_set_is_byte_identical_to_the_one_made_before_modality_existed()
    {
        // Measured with the generator of main before the MRI modality was added (same options).
        // If the RGB generator changes on purpose, bump GeneratorVersion and update both values.
        Assert.Equal("7fb772af16c9f30e", Small.CacheKey());
        Assert.Equal("fc4182eafdcb3827739379bed722e340fcf677b315dbc8c4ee9401c6469404c6", Digest(SyntheticDataset.Ensure(Small, _dir)));
    }

    [Fact]
    public void Mri_slices_are_one_channel_with_a_lesion_and_their_own_cache_key()
    {
        var mri = Small with { Modality = Modality.Mri };
        Assert.NotEqual(Small.CacheKey(), mri.CacheKey());
        string root = SyntheticDataset.Ensure(mri, _dir);
        foreach (string id in File.ReadAllLines(Path.Combine(root, "train.txt")).Concat(File.ReadAllLines(Path.Combine(root, "test.txt"))))
        {
            RasterImage image = ImageFile.Read(Path.Combine(root, "images", id + ".png"));
            RasterImage mask = ImageFile.Read(Path.Combine(root, "masks", id + ".png"));
            Assert.Equal((1, 48, 48), (image.Channels, image.Height, image.Width));
            Assert.Contains(255f, mask.Pixels);
            Assert.True(File.Exists(Path.Combine(root, "gaze", "heatmap", id + ".png")), "gaze map");
        }
        // the generic MRI layout reads them as one-channel slices (z-scored at batching)
        var data = SegmentationDataset.Open(root, "generic-mri");
        Assert.Equal(Modality.Mri, data.Modality);
        Assert.Equal(1, data.Load(data.TestIds[0]).Image.Channels);
        string descriptions = File.ReadAllText(Path.Combine(root, "text", "descriptions.jsonl"));
        Assert.Contains(" signal, ", descriptions);
        Assert.DoesNotContain("colour", descriptions);
    }

    [Fact]
    public void Mri_slices_look_different_from_the_RGB_lesions_and_are_reproducible()
    {
        var mri = Small with { Modality = Modality.Mri };
        string a = SyntheticDataset.Ensure(mri, Path.Combine(_dir, "a"));
        string b = SyntheticDataset.Ensure(mri, Path.Combine(_dir, "b"));
        Assert.Equal(Digest(a), Digest(b));
        string rgb = SyntheticDataset.Ensure(Small, Path.Combine(_dir, "rgb"));

        // the MRI lesions are larger on average (a gland, not a polyp)
        double Area(string root) => File.ReadAllLines(Path.Combine(root, "train.txt"))
            .Average(id => ImageFile.Read(Path.Combine(root, "masks", id + ".png")).Pixels.Count(v => v > 127) / (48.0 * 48.0));
        Assert.True(Area(a) > Area(rgb), $"MRI lesion area {Area(a):F3} vs RGB {Area(rgb):F3}");
        Assert.DoesNotContain("Modality", File.ReadAllText(Path.Combine(rgb, "synthetic.json")));
    }
}
