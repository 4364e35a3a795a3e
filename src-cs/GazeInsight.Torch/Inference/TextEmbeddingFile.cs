using GazeInsight.Imaging;
using GazeInsight.Imaging.IO;
using static TorchSharp.torch;

namespace GazeInsight.Torch.Inference;

/// <summary>Reads one image's text embeddings, embeddings/&lt;id&gt;.npy of shape (L, D) or (1, L, D).</summary>
public static class TextEmbeddingFile
{
    /// <summary>[1, L, D] float32 on the CPU, or null when the file does not exist.</summary>
    public static Tensor? TryRead(string path)
    {
        if (!File.Exists(path)) return null;
        var array = NpyFile.Read(path);
        var shape = array.Shape;
        if (!(shape.Length == 2 || (shape.Length == 3 && shape[0] == 1)))
            throw new InvalidInputException(path, null, $"text embeddings must have shape (L, D) or (1, L, D), got ({string.Join(", ", shape)})");
        long length = shape[^2], dim = shape[^1];
        return tensor(array.ToFloatArray(), [1, length, dim]);
    }
}
