using GazeInsight.Imaging.Data;
using GazeInsight.Imaging.Gaze;
using GazeInsight.Imaging.IO;
using GazeInsight.Imaging.Tests.IO;

namespace GazeInsight.Imaging.Tests.Gaze;

public sealed class GazeBuildTests : IDisposable
{
    private const int W = 40, H = 30;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "gi-gazebuild-" + Guid.NewGuid().ToString("N"));

    public GazeBuildTests()
    {
        // A Kvasir-like folder: JPEG images and masks, train/test lists.
        Directory.CreateDirectory(Path.Combine(_root, "images"));
        Directory.CreateDirectory(Path.Combine(_root, "masks"));
        foreach (string id in new[] { "p1", "p2", "p3" })
        {
            var rgb = new byte[W * H * 3];
            var mask = new byte[W * H];
            for (int y = 0; y < H; y++)
            {
                for (int x = 0; x < W; x++)
                {
                    bool inside = (x - 12) * (x - 12) + (y - 15) * (y - 15) < 36;
                    mask[y * W + x] = inside ? (byte)255 : (byte)0;
                    rgb[(y * W + x) * 3] = inside ? (byte)90 : (byte)200;
                    rgb[(y * W + x) * 3 + 1] = inside ? (byte)40 : (byte)150;
                    rgb[(y * W + x) * 3 + 2] = inside ? (byte)40 : (byte)140;
                }
            }
            ImageFile.WriteRgb8(Path.Combine(_root, "images", id + ".png"), W, H, rgb);
            ImageFile.WriteGray8(Path.Combine(_root, "masks", id + ".png"), W, H, mask);
        }
        File.WriteAllText(Path.Combine(_root, "train.txt"), "p1\np2\n");
        File.WriteAllText(Path.Combine(_root, "test.txt"), "p3\n");
    }

    public void Dispose() => Directory.Delete(_root, true);

    [Fact]
    public void Gaze_maps_build_for_a_data_set_without_a_test_split()
    {
        File.WriteAllText(Path.Combine(_root, "test.txt"), "");
        var dataset = SegmentationDataset.Open(_root, "generic", ".none");
        string csv = Path.Combine(_root, "gaze.csv");
        FixationCsv.Write(csv, GazeSimulator.SimulateDataset(dataset, new GazeSimulationOptions { PositionalNoisePx = 2 }, 1));

        GazeBuildReport report = GazeBuild.Run(_root, "generic", csv, HeatmapOptions.Kvasir, new DenseCrfOptions { SpatialStd = 10 });
        Assert.Equal(2, report.ImagesBuilt);
        Assert.True(File.Exists(Path.Combine(_root, "gaze", "heatmap", "p1.png")));
    }

    [Fact]
    public void Simulated_gaze_builds_maps_for_every_id_that_the_data_set_then_opens()
    {
        var dataset = SegmentationDataset.Open(_root, "generic", ".none");
        var fixations = GazeSimulator.SimulateDataset(dataset, new GazeSimulationOptions { PositionalNoisePx = 2 }, 1);
        string csv = Path.Combine(_root, "gaze.csv");
        FixationCsv.Write(csv, fixations);

        GazeBuildReport report = GazeBuild.Run(_root, "generic", csv, HeatmapOptions.Kvasir, new DenseCrfOptions { SpatialStd = 10 });
        Assert.Equal(3, report.ImagesBuilt);
        Assert.Equal(fixations.Count, report.FixationsUsed);
        Assert.Empty(report.Problems);
        Assert.Empty(report.IdsWithoutGaze);

        foreach (string folder in new[] { "heatmap", "crf_compat1" })
        {
            var withMaps = SegmentationDataset.Open(_root, "generic", folder);
            SegmentationSample sample = withMaps.Load("p2");
            float[] map = sample.GazeMap!;
            // The lesion centre is hot, a far corner cold.
            Assert.True(map[15 * W + 12] > 0.5f, $"{folder}: centre {map[15 * W + 12]}");
            Assert.True(map[(H - 1) * W + W - 1] < 0.3f, $"{folder}: corner {map[(H - 1) * W + W - 1]}");
        }
    }

    [Fact]
    public void Unknown_images_bad_rows_and_wrong_sizes_are_reported_with_lines()
    {
        string csv = Path.Combine(_root, "gaze.csv");
        File.WriteAllText(csv, "IMAGE,CURRENT_FIX_INDEX,CURRENT_FIX_X,CURRENT_FIX_Y,CURRENT_FIX_DURATION,CURRENT_FIX_PUPIL,CURRENT_FIX_START,IMAGE_HEIGHT,IMAGE_WIDTH\n"
            + "p1.jpg,1,0.3,0.5,200,1,0,30,40\n"
            + "zz.jpg,1,0.3,0.5,200,1,0,30,40\n"
            + "p2.jpg,1,0.3,0.5,200,1,0,60,80\n"
            + "p2.jpg,2,0.3,-0.5,200,1,0,60,80\n");
        GazeBuildReport report = GazeBuild.Run(_root, "generic", csv, HeatmapOptions.Kvasir, new DenseCrfOptions());
        Assert.Equal(2, report.ImagesBuilt);
        Assert.Equal(2, report.FixationsUsed);
        Assert.Equal(2, report.FixationsSkipped);
        Assert.Equal(1, report.UnknownImages);
        Assert.Equal(new[] { "p3" }, report.IdsWithoutGaze);
        Assert.Contains(report.Problems, p => p.StartsWith(csv + ":line 5: CURRENT_FIX_Y -0.5", StringComparison.Ordinal));
        Assert.Contains(report.Problems, p => p.StartsWith(csv + ":line 3: image 'zz.jpg'", StringComparison.Ordinal));
        Assert.Contains(report.Problems, p => p.StartsWith(csv + ":line 4: IMAGE_HEIGHT x IMAGE_WIDTH 60x80 differs", StringComparison.Ordinal));
    }

    [Fact]
    public void An_nci_isbi_like_folder_matches_jpg_names_to_dicom_slices()
    {
        string root = Path.Combine(_root, "nci");
        Directory.CreateDirectory(Path.Combine(root, "images"));
        Directory.CreateDirectory(Path.Combine(root, "masks"));
        foreach (string id in new[] { "Case00_3", "Case01_5" })
        {
            // Raw 16-bit MRI values far outside 0..255: the CRF sees them min-max scaled.
            var words = new ushort[W * H];
            var mask = new byte[W * H];
            for (int i = 0; i < words.Length; i++)
            {
                int x = i % W, y = i / W;
                bool inside = (x - 20) * (x - 20) + (y - 15) * (y - 15) < 49;
                words[i] = inside ? (ushort)3000 : (ushort)800;
                mask[i] = inside ? (byte)255 : (byte)0;
            }
            byte[] dcm = new DicomBuilder("1.2.840.10008.1.2.1").Str(0x00080060, "CS", "MR").Image(H, W, 16, 16, 15, 0).Pixels16(words).Build();
            File.WriteAllBytes(Path.Combine(root, "images", id + ".dcm"), dcm);
            ImageFile.WriteGray8(Path.Combine(root, "masks", id + ".png"), W, H, mask);
        }
        File.WriteAllText(Path.Combine(root, "train.txt"), "Case00_3\n");
        File.WriteAllText(Path.Combine(root, "test.txt"), "Case01_5\n");
        string csv = Path.Combine(root, "gaze.csv");
        File.WriteAllText(csv, "IMAGE,CURRENT_FIX_INDEX,CURRENT_FIX_X,CURRENT_FIX_Y,CURRENT_FIX_DURATION,CURRENT_FIX_PUPIL,CURRENT_FIX_START,IMAGE_HEIGHT,IMAGE_WIDTH\n"
            + "Case00_3.jpg,1,0.5,0.5,400,1,0,30,40\n"
            + "Case01_5.jpg,1,0.5,0.5,400,1,0,30,40\n");

        GazeBuildReport report = GazeBuild.Run(root, "nci-isbi", csv, HeatmapOptions.Prostate, new DenseCrfOptions { SpatialStd = 10 });
        Assert.Equal(2, report.ImagesBuilt);
        Assert.Empty(report.Problems);
        float[] crf = SegmentationDataset.Open(root, "nci-isbi", "crf_compat1").Load("Case01_5").GazeMap!;
        Assert.True(crf[15 * W + 20] > 0.5f);
        Assert.True(crf[0] < 0.5f);
    }
}
