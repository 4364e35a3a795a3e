using GazeInsight.Imaging.Data;
using GazeInsight.Imaging.IO;
using GazeInsight.Torch.Inference;
using GazeInsight.Torch.Methods;
using GazeInsight.Torch.Tests.Methods;
using GazeInsight.Torch.Tests.Training;
using static TorchSharp.torch;

namespace GazeInsight.Torch.Tests.Inference;

public sealed class PredictionWriterTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("gi-predict-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void WritesNativeSizeMasksOverlaysAndOneAttentionMapPerScale()
    {
        var data = TinyDataset.Write(Path.Combine(_root, "data"), train: 4, test: 2, size: 40);
        var dataset = SegmentationDataset.Open(data, "generic");
        Directory.CreateDirectory(Path.Combine(data, "embeddings"));
        var random = new Random(3);
        foreach (var id in dataset.TestIds)
            NpyFile.WriteFloat32(dataset.EmbeddingPath(id), Enumerable.Range(0, 3 * TinyFgi.TextDim).Select(_ => (float)random.NextDouble()).ToArray(), [3, TinyFgi.TextDim]);

        using var method = TinyFgi.Create(TinyFgi.Options());
        var outDir = Path.Combine(_root, "out");
        var written = PredictionWriter.Write(method, MethodOutput.Teacher, dataset, dataset.TestIds, TinyFgi.Size, CPU,
            id => TextEmbeddingFile.TryRead(dataset.EmbeddingPath(id)), outDir);

        Assert.Equal(2, written);
        foreach (var id in dataset.TestIds)
        {
            var mask = ImageFile.Read(Path.Combine(outDir, "masks", id + ".png"));
            Assert.Equal((40, 40), (mask.Height, mask.Width));
            Assert.All(mask.Pixels, v => Assert.True(v is 0 or 255));
            Assert.Equal(3, ImageFile.Read(Path.Combine(outDir, "overlays", id + ".png")).Channels);
            for (var s = 1; s <= 4; s++)
                Assert.Equal(40, ImageFile.Read(Path.Combine(outDir, "attention", $"{id}_x{s}.png")).Width);
        }
    }

    [Fact]
    public void OverlaysOutlineTheGroundTruthInASecondColourAndNoAttentionFolderForAnOutputWithoutAttention()
    {
        var data = TinyDataset.Write(Path.Combine(_root, "data"), train: 4, test: 2, size: 40);
        var dataset = SegmentationDataset.Open(data, "generic");
        using var method = TinyFgi.Create(TinyFgi.Options(text: false));
        var outDir = Path.Combine(_root, "out");
        PredictionWriter.Write(method, MethodOutput.Student, dataset, dataset.TestIds, TinyFgi.Size, CPU, _ => null, outDir);

        Assert.False(Directory.Exists(Path.Combine(outDir, "attention")), "no attention/ for an output without attention maps");
        foreach (var id in dataset.TestIds)
        {
            var overlay = ImageFile.Read(Path.Combine(outDir, "overlays", id + ".png"));
            var plane = overlay.Height * overlay.Width;
            var blue = Enumerable.Range(0, plane).Count(i =>
                overlay.Pixels[i] == 0 && overlay.Pixels[plane + i] == 128 && overlay.Pixels[2 * plane + i] == 255);
            Assert.True(blue > 0, $"{id}: the ground truth's outline is drawn (blue)");
        }
    }
}
