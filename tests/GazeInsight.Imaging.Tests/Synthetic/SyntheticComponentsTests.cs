using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using GazeInsight.Imaging.IO;
using GazeInsight.Imaging.Synthetic;

namespace GazeInsight.Imaging.Tests.Synthetic;

/// <summary>
/// The options that make the synthetic set tell FGI's components apart (docs/gaze.md, "A benchmark
/// for FGI's components"): decoys the gaze dwells on but the description rules out, and gaze that
/// spills over the lesion's boundary; at their defaults the set is the one made before they existed.
/// </summary>
public sealed class SyntheticComponentsTests : IDisposable
{
    private static readonly SyntheticOptions Small = new() { ImageSize = 48, TrainCount = 6, TestCount = 3, Seed = 11 };
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "gi-synth-components-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, true);
        }
    }

    /// <summary>SHA-256 over every file (relative path, then bytes), in ordinal path order.</summary>
    private static string Digest(string root)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (string file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(root, f)).Order(StringComparer.Ordinal))
        {
            sha.AppendData(Encoding.UTF8.GetBytes(file.Replace('\\', '/') + "\n"));
            sha.AppendData(File.ReadAllBytes(Path.Combine(root, file)));
        }
        return Convert.ToHexString(sha.GetHashAndReset()).ToLowerInvariant();
    }

    // The digest and cache key of this set as generator v2 wrote it before decoys and spill
    // existed (main at a8921e5): defaults must leave every byte and the cache folder as they were.
    [Fact]
    public void At_their_defaults_the_new_options_leave_the_set_byte_identical()
    {
        string root = SyntheticDataset.Ensure(Small, _dir);
        Assert.Equal("7fb772af16c9f30e", Path.GetFileName(root));
        Assert.Equal("fc4182eafdcb3827739379bed722e340fcf677b315dbc8c4ee9401c6469404c6", Digest(root));
    }

    private static float[] Read(string root, string folder, string id) => ImageFile.Read(Path.Combine(root, folder, id + ".png")).Pixels;

    // Decoys are twins of the lesion outside it, named by location in the remarks; their own
    // random stream leaves the lesion, its mask and the distractors as they were.
    [Fact]
    public void Decoys_look_like_the_lesion_lie_elsewhere_and_the_description_rules_them_out()
    {
        string plain = SyntheticDataset.Ensure(Small, Path.Combine(_dir, "plain"));
        string decoyed = SyntheticDataset.Ensure(Small with { Decoys = 1, DecoyDwell = 0.5 }, Path.Combine(_dir, "decoyed"));
        Assert.NotEqual(Path.GetFileName(plain), Path.GetFileName(decoyed));
        string[] lines = File.ReadAllLines(Path.Combine(decoyed, "text", "descriptions.jsonl"));
        int changedImages = 0;
        foreach (string line in lines)
        {
            using var doc = JsonDocument.Parse(line);
            string id = doc.RootElement.GetProperty("id").GetString()!;
            Assert.Equal(Read(plain, "masks", id), Read(decoyed, "masks", id));
            float[] before = Read(plain, "images", id), after = Read(decoyed, "images", id);
            string remarks = doc.RootElement.GetProperty("Remarks").GetString()!;
            string location = doc.RootElement.GetProperty("Location").GetString()!;
            if (before.SequenceEqual(after))
            {
                Assert.DoesNotContain("looks like the lesion", remarks);
                continue;
            }
            changedImages++;
            Assert.Contains("looks like the lesion but is not part of it", remarks);
            Assert.DoesNotContain($"at the {location} looks", remarks);
            // the decoy is painted outside the lesion (the distractors, placed after it, move, and
            // may touch the lesion's soft edge as they could before)
            float[] mask = Read(plain, "masks", id);
            int lesion = 0, repainted = 0;
            for (int p = 0; p < mask.Length; p++)
            {
                if (mask[p] > 0)
                {
                    lesion++;
                    // channel-major pixels: plane c starts at c * mask.Length
                    repainted += Enumerable.Range(0, 3).All(c => before[c * mask.Length + p] == after[c * mask.Length + p]) ? 0 : 1;
                }
            }
            Assert.True(repainted <= lesion / 20, $"{id}: {repainted} of {lesion} lesion pixels repainted");
        }
        Assert.True(changedImages >= lines.Length / 2, $"decoys placed in {changedImages} of {lines.Length} images");
        // dwelling on the decoys adds gaze outside the lesion
        Assert.True(OutsideShare(decoyed, lines.Length) > OutsideShare(plain, lines.Length) + 0.05);
    }

    // With spill the boundary sweep lands outside the edge: the broad level reaches further out.
    [Fact]
    public void Gaze_spill_widens_the_broad_level_beyond_the_lesion()
    {
        var options = Small with { TrainCount = 16, TestCount = 1, Distractors = 0 };
        string onEdge = SyntheticDataset.Ensure(options, Path.Combine(_dir, "edge"));
        string spilt = SyntheticDataset.Ensure(options with { GazeSpill = 0.8 }, Path.Combine(_dir, "spill"));
        Assert.Equal(Read(onEdge, "images", "syn_00000"), Read(spilt, "images", "syn_00000"));
        Assert.True(OutsideShare(spilt, 17) > OutsideShare(onEdge, 17) + 0.02,
            $"outside share {OutsideShare(spilt, 17):F3} with spill vs {OutsideShare(onEdge, 17):F3} without");
    }

    [Fact]
    public void A_decoy_dwell_without_decoys_is_refused() =>
        Assert.Equal("decoy dwell needs decoys, got dwell 0.3 with 0 decoys",
            Assert.Throws<ArgumentException>(() => SyntheticDataset.Ensure(Small with { DecoyDwell = 0.3 }, "/nonexistent")).Message);

    /// <summary>Of the heatmap's pixels >= 0.3 (the broad level), the share outside the true mask, over the images.</summary>
    private static double OutsideShare(string root, int images)
    {
        long outside = 0, all = 0;
        for (int i = 0; i < images; i++)
        {
            string id = SyntheticDataset.IdOf(i);
            float[] mask = Read(root, "masks", id), heat = Read(root, "gaze/heatmap", id);
            for (int p = 0; p < mask.Length; p++)
            {
                if (heat[p] >= 0.3f * 255)
                {
                    all++;
                    outside += mask[p] > 0 ? 0 : 1;
                }
            }
        }
        return (double)outside / all;
    }
}
