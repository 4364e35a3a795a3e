using GazeInsight.Imaging.Data;
using GazeInsight.Imaging.IO;
using GazeInsight.Torch.Data;
using GazeInsight.Torch.Methods;
using GazeInsight.Torch.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace GazeInsight.Torch.Inference;

/// <summary>
/// Writes what `runner predict` promises, per image, into an output folder:
/// masks/&lt;id&gt;.png (0/255 at the image's native size), overlays/&lt;id&gt;.png (the image,
/// the gaze heatmap in red where the data set has one, the ground truth's contour in blue where
/// the data set has a mask, the predicted contour in green on top) and, for an FGI teacher with
/// text fusion (only then is the folder made), attention/&lt;id&gt;_x&lt;s&gt;.png: per scale, how strongly
/// each location attends to its most attended text token (the maximum over tokens of the head-
/// averaged cross-attention; the plain sum over tokens is 1 everywhere), min-max scaled to 8 bits
/// and resized to native size.
/// </summary>
public static class PredictionWriter
{
    /// <summary>Predicts every id and writes the files; returns how many images were written.</summary>
    /// <param name="text">Text embeddings [1, L, D] of an id, or null when there are none.</param>
    public static int Write(ISegmentationMethod method, MethodOutput output, SegmentationDataset dataset, IReadOnlyList<string> ids,
        int imageSize, Device device, Func<string, Tensor?> text, string outDir, IProgress<string>? progress = null)
    {
        foreach (var folder in new[] { "masks", "overlays" }) Directory.CreateDirectory(Path.Combine(outDir, folder));
        method.SetTraining(false);
        using var noGrad = no_grad();
        foreach (var id in ids)
        {
            using var scope = NewDisposeScope();
            var sample = dataset.Load(id);
            int height = sample.Image.Height, width = sample.Image.Width, channels = sample.Image.Channels;
            var pixels = ImageNormalization.Apply(sample.Image, dataset.Modality);
            var image = nn.functional.interpolate(tensor(pixels, [1, channels, height, width]), [imageSize, imageSize],
                mode: InterpolationMode.Bilinear, align_corners: false).to(device);
            var batch = new Batch(image, zeros(1, 1, imageSize, imageSize, device: device), null, text(id)?.to(device));
            var logits = method.Predict(batch, output);
            var mask = Evaluator.Binarise(logits[.., 1..2], height, width);
            ImageFile.WriteGray8(Path.Combine(outDir, "masks", id + ".png"), width, height, mask.Select(v => (byte)(v * 255)).ToArray());
            ImageFile.WriteRgb8(Path.Combine(outDir, "overlays", id + ".png"), width, height, Overlay(sample, mask));
            if (method is FgiMethod fgi && output is MethodOutput.Teacher or MethodOutput.Average && batch.Text is not null)
            {
                using var explained = fgi.Explain(batch);
                Directory.CreateDirectory(Path.Combine(outDir, "attention"));
                for (var s = 0; s < explained.Attention.Count; s++)
                {
                    var side = (int)Math.Round(Math.Sqrt(explained.Attention[s].shape[1]));
                    var peak = explained.Attention[s].amax([2]).view(1, 1, side, side);
                    var resized = nn.functional.interpolate(peak, [height, width], mode: InterpolationMode.Bilinear, align_corners: false);
                    var scaled = (resized - resized.min()) / (resized.max() - resized.min()).clamp_min(1e-12) * 255;
                    var bytes = scaled.round().to_type(ScalarType.Byte).cpu().data<byte>().ToArray();
                    ImageFile.WriteGray8(Path.Combine(outDir, "attention", $"{id}_x{s + 1}.png"), width, height, bytes);
                }
            }
            progress?.Report(id);
        }
        return ids.Count;
    }

    // grey or RGB image, gaze heatmap blended into red, ground-truth boundary in blue, prediction boundary in green
    private static byte[] Overlay(SegmentationSample sample, byte[] mask)
    {
        int height = sample.Image.Height, width = sample.Image.Width, channels = sample.Image.Channels, plane = height * width;
        var rgb = new byte[plane * 3];
        var p = sample.Image.Pixels;
        var (low, high) = channels == 3 ? (0f, 255f) : (p.Min(), p.Max());
        var range = Math.Max(high - low, 1e-6f);
        for (var i = 0; i < plane; i++)
        for (var c = 0; c < 3; c++)
        {
            var value = (p[(channels == 3 ? c : 0) * plane + i] - low) / range * 255f;
            if (sample.GazeMap is { } gaze && c == 0) value = value * (1 - 0.5f * gaze[i]) + 255f * 0.5f * gaze[i];
            rgb[i * 3 + c] = (byte)Math.Clamp(value, 0, 255);
        }
        Outline(rgb, sample.Mask, height, width, 0, 128, 255);
        Outline(rgb, mask, height, width, 0, 255, 0);
        return rgb;
    }

    // paints the boundary pixels of a 0/1 mask (foreground with a background 4-neighbour or on the border)
    private static void Outline(byte[] rgb, byte[] mask, int height, int width, byte r, byte g, byte b)
    {
        if (mask.Length != height * width) return;
        for (var y = 0; y < height; y++)
        for (var x = 0; x < width; x++)
        {
            if (mask[y * width + x] == 0) continue;
            var boundary = y == 0 || x == 0 || y == height - 1 || x == width - 1
                           || mask[(y - 1) * width + x] == 0 || mask[(y + 1) * width + x] == 0
                           || mask[y * width + x - 1] == 0 || mask[y * width + x + 1] == 0;
            if (!boundary) continue;
            var i = (y * width + x) * 3;
            rgb[i] = r; rgb[i + 1] = g; rgb[i + 2] = b;
        }
    }
}
