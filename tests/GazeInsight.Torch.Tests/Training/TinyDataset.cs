using GazeInsight.Imaging.IO;

namespace GazeInsight.Torch.Tests.Training;

/// <summary>A generic-layout data set of bright squares on a dark background, written by the test.</summary>
internal static class TinyDataset
{
    public static string Write(string root, int train = 12, int test = 4, int size = 32)
    {
        var random = new Random(42);
        Directory.CreateDirectory(Path.Combine(root, "images"));
        Directory.CreateDirectory(Path.Combine(root, "masks"));
        Directory.CreateDirectory(Path.Combine(root, "gaze", "heatmap"));
        var ids = Enumerable.Range(0, train + test).Select(i => $"case{i:D3}").ToArray();
        foreach (var id in ids)
        {
            int side = random.Next(size / 4, size / 2), top = random.Next(0, size - side), left = random.Next(0, size - side);
            var rgb = new byte[size * size * 3];
            var mask = new byte[size * size];
            var gaze = new byte[size * size];
            for (var y = 0; y < size; y++)
            for (var x = 0; x < size; x++)
            {
                var inside = y >= top && y < top + side && x >= left && x < left + side;
                var noise = random.Next(0, 40);
                for (var c = 0; c < 3; c++) rgb[(y * size + x) * 3 + c] = (byte)((inside ? 180 : 40) + noise);
                mask[y * size + x] = (byte)(inside ? 255 : 0);
                var dy = y - (top + side / 2.0); var dx = x - (left + side / 2.0);
                gaze[y * size + x] = (byte)Math.Clamp(255 * Math.Exp(-(dx * dx + dy * dy) / (side * side / 2.0)), 0, 255);
            }
            ImageFile.WriteRgb8(Path.Combine(root, "images", id + ".png"), size, size, rgb);
            ImageFile.WriteGray8(Path.Combine(root, "masks", id + ".png"), size, size, mask);
            ImageFile.WriteGray8(Path.Combine(root, "gaze", "heatmap", id + ".png"), size, size, gaze);
        }
        File.WriteAllLines(Path.Combine(root, "train.txt"), ids.Take(train));
        File.WriteAllLines(Path.Combine(root, "test.txt"), ids.Skip(train));
        return root;
    }
}
