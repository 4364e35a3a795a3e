using System.Globalization;
using GazeInsight.Imaging.Data;
using GazeInsight.Imaging.IO;
using GazeInsight.Imaging.Tests.IO;

namespace GazeInsight.Imaging.Tests.Data;

/// <summary>The integrity check, file inspection and the NCI-ISBI conversion.</summary>
public sealed class DataToolsTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Root => _dir.Path;

    private void Sample(string id, int w = 6, int h = 4, byte fg = 255)
    {
        ImageFile.WriteRgb8(Path.Combine(Root, "images", id + ".png"), w, h, new byte[w * h * 3]);
        var m = new byte[w * h];
        m[1] = fg;
        ImageFile.WriteGray8(Path.Combine(Root, "masks", id + ".png"), w, h, m);
    }

    [Fact]
    public void Check_passes_a_clean_folder_and_reports_every_problem_of_a_broken_one()
    {
        foreach (var id in new[] { "a", "b", "c", "t" }) Sample(id);
        File.WriteAllText(Path.Combine(Root, "train.txt"), "a\nb\nc\n");
        File.WriteAllText(Path.Combine(Root, "test.txt"), "t\n");
        var ok = DatasetCheck.Run(Root, "generic", null, requireText: false);
        Assert.True(ok.Ok, string.Join("\n", ok.Problems));
        Assert.Equal((3, 1, 4), (ok.TrainCount, ok.TestCount, ok.SamplesRead));

        Sample("b", fg: 1);                                                       // 0/1 mask
        ImageFile.WriteGray8(Path.Combine(Root, "masks", "c.png"), 5, 4, new byte[20]); // wrong size
        File.WriteAllBytes(Path.Combine(Root, "images", "t.png"), [0x89, 0x50, 0x4E, 0x47]); // corrupt
        File.WriteAllText(Path.Combine(Root, "train.txt"), "a\nb\nc\nd\n");        // d has no files
        var bad = DatasetCheck.Run(Root, "generic", "heatmap", requireText: true);
        Assert.False(bad.Ok);
        var all = string.Join("\n", bad.Problems);
        Assert.Contains("train.txt:line 4: id 'd' has no image", all);
        Assert.Contains("train.txt:line 4: id 'd' has no mask", all);
        Assert.Contains(Path.Combine("masks", "b.png") + ": mask uses values 0/1", all);
        Assert.Contains(Path.Combine("masks", "c.png") + ": size 5x4 differs from its image's 6x4", all);
        Assert.Contains(Path.Combine("images", "t.png") + ":", all);
        Assert.Contains(Path.Combine("gaze", "heatmap") + ": gaze map folder not found", all);
        Assert.Contains("id 'a' has no text embedding", all);
        Assert.All(bad.Problems, p => Assert.DoesNotContain('\n', p));
    }

    [Fact]
    public void Check_finds_non_binary_png_masks_with_the_pixel()
    {
        Sample("a");
        Sample("t", fg: 0);
        var m = new byte[24];
        m[2 * 6 + 3] = 128;
        ImageFile.WriteGray8(Path.Combine(Root, "masks", "a.png"), 6, 4, m);
        File.WriteAllText(Path.Combine(Root, "train.txt"), "a\n");
        File.WriteAllText(Path.Combine(Root, "test.txt"), "t\n");
        var r = DatasetCheck.Run(Root, "generic", null, false);
        Assert.Equal([Path.Combine(Root, "masks", "a.png") + ":pixel (3,2): mask is not binary: 1 pixels are neither 0 nor 255"], r.Problems);
        Assert.Contains(r.Notes, n => n.Contains("1 masks are empty"));
    }

    [Fact]
    public void Inspect_reports_shape_type_spacing_and_statistics_per_format()
    {
        var png = Path.Combine(Root, "m.png");
        ImageFile.WriteGray8(png, 3, 2, [0, 255, 255, 0, 0, 10]);
        var i = FileInspection.Of(png);
        Assert.Equal(("PNG", 6L, 0.0, 255.0, 520.0), (i.Format, i.Count, i.Min, i.Max, i.Sum));
        Assert.Equal([1, 2, 3], i.Shape);

        var d = FileInspection.Of(TestFiles.Path("dicom", "MR_small.dcm"));
        Assert.Equal(("DICOM", 127.0, 2145.0, 2125338.0), (d.Format, d.Min, d.Max, d.Sum));
        Assert.Contains(d.Details, kv => kv.Key == "TransferSyntax" && kv.Value == "Explicit VR Little Endian");
        Assert.Equal(0.3125, d.Spacing![1]);
        Assert.StartsWith("int16", d.PixelType);

        var n = FileInspection.Of(TestFiles.Path("nrrd", "labels_gzip_lps.nrrd"));
        Assert.Equal(("NRRD", "uint8", 14.0, 120L), (n.Format, n.PixelType, n.Sum, n.Count));
        Assert.Equal(3.6, n.Spacing![2], 9);
        Assert.Contains(n.ToLines(), l => l.StartsWith("values:", StringComparison.Ordinal));
    }

    private byte[] Slice(int instance, double z, int w, int h) =>
        new DicomBuilder("1.2.840.10008.1.2.1")
            .Str(0x00080060, "CS", "MR")
            .Str(0x0020000E, "UI", "1.2.3.4")
            .Str(0x00200013, "IS", instance.ToString(CultureInfo.InvariantCulture))
            .Str(0x00200032, "DS", $"-10\\-20\\{z.ToString(CultureInfo.InvariantCulture)}")
            .Image(h, w, 16, 16, 15, 0)
            .Pixels16(Enumerable.Repeat((ushort)(1000 + instance), w * h).ToArray())
            .Build();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Nci_isbi_conversion_matches_slices_by_instance_number_and_keeps_prostate_slices(bool reversed)
    {
        // Label volume 6x5x4 (Teem-written), prostate on slices 1 and 2; origin z = 30.
        void Case(string split, string name)
        {
            var labels = Path.Combine(Root, split, "labels");
            Directory.CreateDirectory(labels);
            File.Copy(TestFiles.Path("nrrd", "labels_gzip_lps.nrrd"), Path.Combine(labels, name + "_truth.nrrd"));
            var series = Path.Combine(Root, split, "dicom", name, "study", "series");
            Directory.CreateDirectory(series);
            for (int inst = 1; inst <= 4; inst++)
            {
                // File names run against the instance numbers, so matching by name would be wrong.
                double z = reversed ? 30 + (4 - inst) * 3.6 : 30 + (inst - 1) * 3.6;
                File.WriteAllBytes(Path.Combine(series, $"{10 - inst:D6}.dcm"), Slice(inst, z, 6, 5));
            }
        }
        Case("train", "Prostate3T-01-0001");
        Case("test", "Prostate3T-01-0002");
        var outDir = Path.Combine(Root, "out");
        var problems = new List<string>();
        var counts = NciIsbiPreparation.Run(Path.Combine(Root, "train", "dicom"), Path.Combine(Root, "train", "labels"),
            Path.Combine(Root, "test", "dicom"), Path.Combine(Root, "test", "labels"), outDir, problems);
        Assert.Empty(problems);
        Assert.Equal((1, 2), counts["train"]);
        Assert.Equal((1, 2), counts["test"]);
        Assert.Equal(["Prostate3T-01-0001_1", "Prostate3T-01-0001_2"], File.ReadAllLines(Path.Combine(outDir, "train.txt")));
        Assert.Equal(["Prostate3T-01-0002_1", "Prostate3T-01-0002_2"], File.ReadAllLines(Path.Combine(outDir, "test.txt")));

        var ds = SegmentationDataset.Open(outDir, "nci-isbi");
        var s1 = ds.Load("Prostate3T-01-0001_1");
        Assert.Equal(reversed ? 1003f : 1002f, s1.Image.Pixels[0]); // k = 1 is the second slice in space
        Assert.Equal(6, s1.Mask.Sum(b => b));
        Assert.Equal(reversed ? 1002f : 1003f, ds.Load("Prostate3T-01-0001_2").Image.Pixels[0]);
        Assert.True(DatasetCheck.Run(outDir, "nci-isbi", null, false).Ok);
    }

    [Fact]
    public void Nci_isbi_conversion_reports_a_series_that_does_not_match_the_labels()
    {
        var labels = Path.Combine(Root, "labels");
        Directory.CreateDirectory(labels);
        File.Copy(TestFiles.Path("nrrd", "labels_raw_spacings.nrrd"), Path.Combine(labels, "Case1.nrrd"));
        var series = Path.Combine(Root, "dicom", "Case1");
        Directory.CreateDirectory(series);
        for (int inst = 1; inst <= 3; inst++)
            File.WriteAllBytes(Path.Combine(series, $"{inst}.dcm"), Slice(inst, inst, 6, 5));
        var problems = new List<string>();
        var ex = Assert.Throws<InvalidInputException>(() =>
            NciIsbiPreparation.Run(Path.Combine(Root, "dicom"), labels, null, null, Path.Combine(Root, "out"), problems));
        Assert.Contains("no DICOM series", ex.Message);
        Assert.Contains("found: 3 slices of 6x5", ex.Message);
        Assert.False(Directory.Exists(Path.Combine(Root, "out")));
    }
}
