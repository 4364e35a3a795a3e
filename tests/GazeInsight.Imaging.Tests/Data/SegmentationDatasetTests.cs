using GazeInsight.Imaging.Data;
using GazeInsight.Imaging.IO;
using GazeInsight.Imaging.Tests.IO;

namespace GazeInsight.Imaging.Tests.Data;

public sealed class SegmentationDatasetTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Root => _dir.Path;

    private void Write(string rel, string text)
    {
        var p = Path.Combine(Root, rel);
        Directory.CreateDirectory(Path.GetDirectoryName(p)!);
        File.WriteAllText(p, text);
    }

    // Square of side w, h with a foreground rectangle in the middle columns.
    private static byte[] Mask255(int w, int h) =>
        Enumerable.Range(0, w * h).Select(i => (byte)(i % w >= w / 4 && i % w < 3 * w / 4 ? 255 : 0)).ToArray();

    private void Generic(string[] train, string[] test, bool gaze, int w = 8, int h = 6)
    {
        foreach (var id in train.Concat(test))
        {
            var rgb = Enumerable.Range(0, w * h * 3).Select(i => (byte)(i % 251)).ToArray();
            ImageFile.WriteRgb8(Path.Combine(Root, "images", id + ".png"), w, h, rgb);
            ImageFile.WriteGray8(Path.Combine(Root, "masks", id + ".png"), w, h, Mask255(w, h));
            if (gaze)
                ImageFile.WriteGray8(Path.Combine(Root, "gaze", "heatmap", id + ".png"), w, h,
                    Enumerable.Range(0, w * h).Select(i => (byte)(i * 5 % 256)).ToArray());
        }
        Write("train.txt", string.Join("\n", train) + "\n");
        Write("test.txt", string.Join("\r\n", test));
    }

    [Fact]
    public void Generic_layout_loads_rgb_images_binary_masks_and_soft_gaze_maps()
    {
        Generic(["a", "b", "c"], ["t1"], gaze: true);
        var ds = SegmentationDataset.Open(Root, "generic");
        Assert.Equal(Modality.Rgb, ds.Modality);
        Assert.Equal(["a", "b", "c"], ds.TrainIds);
        Assert.Equal(["t1"], ds.TestIds);
        var s = ds.Load("b");
        Assert.Equal("b", s.Id);
        Assert.Equal((3, 6, 8), (s.Image.Channels, s.Image.Height, s.Image.Width));
        Assert.Equal(Mask255(8, 6).Select(v => (byte)(v > 127 ? 1 : 0)), s.Mask);
        Assert.NotNull(s.GazeMap);
        Assert.Equal(5 / 255f, s.GazeMap![1], 6);
        Assert.All(s.GazeMap, v => Assert.InRange(v, 0f, 1f));
    }

    [Fact]
    public void A_missing_gaze_map_leaves_that_sample_without_one_and_the_preflight_names_every_training_id()
    {
        Generic(["a", "b", "c"], ["t1", "t2"], gaze: true);
        File.Delete(Path.Combine(Root, "gaze", "heatmap", "a.png"));
        File.Delete(Path.Combine(Root, "gaze", "heatmap", "c.png"));
        File.Delete(Path.Combine(Root, "gaze", "heatmap", "t2.png"));   // test ids need none
        var ds = SegmentationDataset.Open(Root, "generic");
        Assert.Null(ds.Load("a").GazeMap);
        Assert.NotNull(ds.Load("b").GazeMap);

        var report = DatasetPreflight.Run(Root, "generic", ["heatmap", "crf_compat1"]);
        Assert.Equal(
            [
                Path.Combine(Root, "train.txt") + ":line 1: id 'a' has no gaze map (looked for gaze/heatmap/a.png, gaze/heatmap/a.jpg, gaze/heatmap/a.jpeg)",
                Path.Combine(Root, "train.txt") + ":line 3: id 'c' has no gaze map (looked for gaze/heatmap/c.png, gaze/heatmap/c.jpg, gaze/heatmap/c.jpeg)",
                Path.Combine(Root, "gaze", "crf_compat1") + ": gaze map folder not found",
            ],
            report.Problems);

        Write("test.txt", "");
        Assert.Contains(Path.Combine(Root, "test.txt") + ": lists no ids: a cell is evaluated on the test split",
            DatasetPreflight.Run(Root, "generic", []).Problems);
    }

    [Fact]
    public void Without_the_gaze_folder_samples_have_no_gaze_map()
    {
        Generic(["a", "b"], ["t"], gaze: false);
        var ds = SegmentationDataset.Open(Root, "generic", "crf_compat1");
        Assert.False(ds.HasGazeMaps);
        Assert.Null(ds.Load("a").GazeMap);
    }

    [Fact]
    public void Kvasir_layout_thresholds_colour_jpeg_masks_at_127_5()
    {
        int w = 16, h = 16;
        var img = new byte[w * h * 3];
        var mask = new byte[w * h * 3];
        for (int i = 0; i < w * h; i++)
        {
            bool fg = i % w >= 8;
            mask[3 * i] = mask[3 * i + 1] = mask[3 * i + 2] = fg ? (byte)250 : (byte)3;
        }
        ImageFile.WriteRgb8(Path.Combine(Root, "images", "cju0.jpg"), w, h, img);
        ImageFile.WriteRgb8(Path.Combine(Root, "masks", "cju0.jpg"), w, h, mask);
        ImageFile.WriteRgb8(Path.Combine(Root, "images", "cju1.jpg"), w, h, img);
        ImageFile.WriteRgb8(Path.Combine(Root, "masks", "cju1.jpg"), w, h, mask);
        Write("train.txt", "cju0\n");
        Write("test.txt", "cju1\n");
        var s = SegmentationDataset.Open(Root, "kvasir").Load("cju0");
        Assert.Equal(Enumerable.Range(0, w * h).Select(i => (byte)(i % w >= 8 ? 1 : 0)), s.Mask);
    }

    [Fact]
    public void Nci_isbi_layout_reads_dicom_slices_as_one_channel_mri()
    {
        foreach (var (id, inst) in new[] { ("Case00_3", 3), ("Case01_5", 5) })
        {
            var dcm = new DicomBuilder("1.2.840.10008.1.2.1")
                .Str(0x00080060, "CS", "MR").Str(0x00200013, "IS", inst.ToString())
                .Image(2, 3, 16, 16, 15, 1)
                .Pixels16([1, 2, 3, 400, 500, 0xFFFF])
                .Build();
            Directory.CreateDirectory(Path.Combine(Root, "images"));
            File.WriteAllBytes(Path.Combine(Root, "images", id + ".dcm"), dcm);
            ImageFile.WriteGray8(Path.Combine(Root, "masks", id + ".png"), 3, 2, [0, 255, 255, 0, 0, 0]);
        }
        Write("train.txt", "Case00_3");
        Write("test.txt", "Case01_5");
        var ds = SegmentationDataset.Open(Root, "nci-isbi");
        Assert.Equal(Modality.Mri, ds.Modality);
        var s = ds.Load("Case00_3");
        Assert.Equal((1, 2, 3), (s.Image.Channels, s.Image.Height, s.Image.Width));
        Assert.Equal([1f, 2f, 3f, 400f, 500f, -1f], s.Image.Pixels);
        Assert.Equal([0, 1, 1, 0, 0, 0], s.Mask);
    }

    [Fact]
    public void Isic_layout_finds_labels_with_the_segmentation_suffix_and_repeats_gray_images()
    {
        ImageFile.WriteGray8(Path.Combine(Root, "images", "ISIC_1.jpg"), 4, 4, Enumerable.Repeat((byte)100, 16).ToArray());
        ImageFile.WriteGray8(Path.Combine(Root, "labels", "ISIC_1_segmentation.png"), 4, 4, Mask255(4, 4));
        ImageFile.WriteGray8(Path.Combine(Root, "images", "ISIC_2.jpg"), 4, 4, new byte[16]);
        ImageFile.WriteGray8(Path.Combine(Root, "labels", "ISIC_2_segmentation.png"), 4, 4, new byte[16]);
        Write("train.txt", "ISIC_1");
        Write("test.txt", "ISIC_2");
        var s = SegmentationDataset.Open(Root, "isic").Load("ISIC_1");
        Assert.Equal(3, s.Image.Channels);
        Assert.All(s.Image.Pixels, v => Assert.InRange(v, 99f, 101f));
    }

    [Fact]
    public void Problems_are_invalid_input_naming_file_and_place()
    {
        Generic(["a", "b"], ["t"], gaze: false);
        File.Delete(Path.Combine(Root, "masks", "b.png"));
        var ex = Assert.Throws<InvalidInputException>(() => SegmentationDataset.Open(Root, "generic"));
        Assert.StartsWith(Path.Combine(Root, "train.txt") + ":line 2: id 'b' has no mask", ex.Message);

        var unknown = Assert.Throws<InvalidInputException>(() => SegmentationDataset.Open(Root, "voc"));
        Assert.Contains("unknown data set layout 'voc' (known: generic, generic-mri, kvasir, nci-isbi, isic)", unknown.Message);

        Assert.Contains("data folder not found",
            Assert.Throws<InvalidInputException>(() => SegmentationDataset.Open(Path.Combine(Root, "nope"), "generic")).Message);
    }

    [Fact]
    public void Split_file_problems_are_reported_with_line_numbers()
    {
        Generic(["a", "b"], ["t"], gaze: false);
        Write("train.txt", "a\n\nb\na\n");
        Assert.Equal(Path.Combine(Root, "train.txt") + ":line 4: id 'a' repeats line 1",
            Assert.Throws<InvalidInputException>(() => SegmentationDataset.Open(Root, "generic")).Message);

        Write("train.txt", "a\nb\n");
        Write("test.txt", "t\nb\n");
        Assert.StartsWith(Path.Combine(Root, "test.txt") + ":line 2: id 'b' is also in train.txt",
            Assert.Throws<InvalidInputException>(() => SegmentationDataset.Open(Root, "generic")).Message);

        // no test split is fine for building gaze maps (a sweep's preflight requires one); no training split is not
        Write("test.txt", "\n  \n");
        Assert.Empty(SegmentationDataset.Open(Root, "generic").TestIds);
        Write("train.txt", "\n");
        Assert.Equal(Path.Combine(Root, "train.txt") + ": split file lists no ids",
            Assert.Throws<InvalidInputException>(() => SegmentationDataset.Open(Root, "generic")).Message);
        Write("train.txt", "a\nb\n");

        Write("test.txt", "../t\n");
        Assert.StartsWith(Path.Combine(Root, "test.txt") + ":line 1: '../t' is not an id",
            Assert.Throws<InvalidInputException>(() => SegmentationDataset.Open(Root, "generic")).Message);
    }

    [Fact]
    public void Size_mismatch_between_image_and_mask_is_reported_on_load()
    {
        Generic(["a", "b"], ["t"], gaze: true);
        ImageFile.WriteGray8(Path.Combine(Root, "masks", "a.png"), 7, 6, new byte[42]);
        var ds = SegmentationDataset.Open(Root, "generic");
        var ex = Assert.Throws<InvalidInputException>(() => ds.Load("a"));
        Assert.Equal(Path.Combine(Root, "masks", "a.png") + ": size 7x6 differs from its image's 8x6", ex.Message);
        Assert.Contains("neither train.txt nor test.txt", Assert.Throws<InvalidInputException>(() => ds.Load("zz")).Message);
    }

    [Fact]
    public void Validation_split_is_deterministic_disjoint_and_independent_of_file_order()
    {
        var ids = Enumerable.Range(0, 200).Select(i => $"img{i:D3}").ToArray();
        var (tr, va) = SegmentationDataset.Split(ids, 0.1, seed: 0);
        Assert.Equal(20, va.Count);
        Assert.Equal(180, tr.Count);
        Assert.Empty(tr.Intersect(va));
        Assert.Equal(ids.OrderBy(x => x), tr.Concat(va).OrderBy(x => x));
        Assert.Equal(va, SegmentationDataset.Split(ids, 0.1, seed: 0).Validation);
        Assert.Equal(va.OrderBy(x => x), SegmentationDataset.Split(ids.Reverse().ToArray(), 0.1, 0).Validation.OrderBy(x => x));
        Assert.NotEqual(va, SegmentationDataset.Split(ids, 0.1, seed: 1).Validation);
        // Adding ids keeps earlier validation choices mostly in place (rank by hash, not by position).
        var more = ids.Concat(Enumerable.Range(200, 20).Select(i => $"img{i:D3}")).ToArray();
        Assert.True(SegmentationDataset.Split(more, 0.1, 0).Validation.Intersect(va).Count() >= 15);
        Assert.Single(SegmentationDataset.Split(ids[..3], 0.01, 0).Validation);
        Assert.Empty(SegmentationDataset.Split(ids, 0, 0).Validation);
        Assert.Throws<ArgumentOutOfRangeException>(() => SegmentationDataset.Split(ids, 1.0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => SegmentationDataset.Split(ids[..1], 0.5, 0));
    }

    [Fact]
    public void Validation_split_of_a_data_set_never_touches_test_ids()
    {
        Generic(["a", "b", "c", "d"], ["t1", "t2"], gaze: false);
        var ds = SegmentationDataset.Open(Root, "generic");
        var (tr, va) = ds.SplitValidation(0.25, 3);
        Assert.Single(va);
        Assert.Equal(3, tr.Count);
        Assert.DoesNotContain("t1", tr.Concat(va));
        Assert.DoesNotContain("t2", tr.Concat(va));
    }
}
