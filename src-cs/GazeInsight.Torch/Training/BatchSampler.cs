using GazeInsight.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace GazeInsight.Torch.Training;

/// <summary>
/// Draws training batches: a fresh permutation of the training set each epoch (the last partial
/// batch is dropped) and joint random vertical/horizontal flips (p = 0.5 each) of image, mask
/// and gaze. Stateless: the sample at an iteration depends only on (seed, iteration), so a resumed
/// run draws exactly what the interrupted one would have.
/// </summary>
public sealed class BatchSampler
{
    private readonly int _count;
    private readonly int _batchSize;
    private readonly long _seed;
    private readonly bool _flips;

    public BatchSampler(int count, int batchSize, long seed, bool flips)
    {
        if (batchSize <= 0) throw new ArgumentException($"batch size must be positive, got {batchSize}");
        if (count < batchSize)
            throw new ArgumentException($"the training split has {count} images, fewer than one batch of {batchSize}");
        _count = count;
        _batchSize = batchSize;
        _seed = seed;
        _flips = flips;
    }

    public int IterationsPerEpoch => _count / _batchSize;

    /// <summary>Builds the batch of <paramref name="iteration"/> in the caller's dispose scope.</summary>
    /// <param name="text">[N, L, D] embeddings or null.</param>
    /// <param name="textValid">[N, L] real-token mask or null.</param>
    public Batch Draw(int iteration, Tensor images, Tensor masks, Tensor? gaze, Tensor? text, Tensor? textValid = null)
    {
        var epoch = iteration / IterationsPerEpoch;
        var position = iteration % IterationsPerEpoch;
        using var epochGenerator = new Generator((ulong)Mix(_seed, epoch, 0x5eed));
        var order = randperm(_count, generator: epochGenerator);
        var indices = order.narrow(0, position * _batchSize, _batchSize).to(images.device);

        var x = images.index_select(0, indices);
        var m = masks.index_select(0, indices);
        var g = gaze?.index_select(0, indices);
        var t = text?.index_select(0, indices);
        var tv = textValid?.index_select(0, indices);
        if (_flips)
        {
            using var flipGenerator = new Generator((ulong)Mix(_seed, iteration, 0xf11b));
            var draws = rand([2, _batchSize], generator: flipGenerator).lt(0.5).to(images.device);
            (x, m, g) = Flip(draws[0], dim: 2, x, m, g);  // vertical
            (x, m, g) = Flip(draws[1], dim: 3, x, m, g);  // horizontal
        }
        return new Batch(x, m, g, t) { TextValid = tv };
    }

    private static (Tensor, Tensor, Tensor?) Flip(Tensor which, int dim, Tensor x, Tensor m, Tensor? g)
    {
        var select = which.view(-1, 1, 1, 1);
        return (where(select, x.flip(dim), x), where(select, m.flip(dim), m), g is null ? null : where(select, g.flip(dim), g));
    }

    // SplitMix64 so that neighbouring (seed, index) pairs give unrelated streams
    private static long Mix(long seed, long index, long salt) => SplitMix64.Seed(seed, index, (ulong)salt);
}
