using GazeInsight.Torch.Training;
using static TorchSharp.torch;

namespace GazeInsight.Torch.Tests.Training;

public class BatchSamplerTests
{
    [Fact]
    public void FlipsImageMaskAndGazeTogether()
    {
        // image channel 0 == mask == gaze for every sample, so any joint flip keeps them equal
        using var scope = NewDisposeScope();
        var pattern = rand(10, 1, 8, 8);
        var images = cat([pattern, pattern * 2], 1);
        var sampler = new BatchSampler(10, 4, seed: 3, flips: true);
        var sawFlip = false;
        for (var it = 0; it < 10; it++)
        {
            var batch = sampler.Draw(it, images, pattern.clone(), pattern.clone(), text: null);
            Assert.True(batch.Images[.., 0..1].equal(batch.Masks).all().item<bool>());
            Assert.True(batch.Gaze!.equal(batch.Masks).all().item<bool>());
            Assert.True((batch.Images[.., 1..2] / 2).allclose(batch.Masks));
            var unflipped = pattern.index_select(0, FindRows(pattern, batch.Masks));
            sawFlip |= !unflipped.equal(batch.Masks).all().item<bool>();
        }
        Assert.True(sawFlip, "some sample should have been flipped in 10 batches");
    }

    [Fact]
    public void SameSeedAndIterationGiveTheSameBatch()
    {
        using var scope = NewDisposeScope();
        var images = rand(12, 1, 4, 4);
        var a = new BatchSampler(12, 3, seed: 7, flips: true).Draw(5, images, images, null, null);
        var b = new BatchSampler(12, 3, seed: 7, flips: true).Draw(5, images, images, null, null);
        var c = new BatchSampler(12, 3, seed: 8, flips: true).Draw(5, images, images, null, null);
        Assert.True(a.Images.equal(b.Images).all().item<bool>());
        Assert.False(a.Images.equal(c.Images).all().item<bool>());
    }

    [Fact]
    public void EachEpochVisitsEverySampleOnce()
    {
        using var scope = NewDisposeScope();
        var ids = arange(8, dtype: ScalarType.Float32).view(8, 1, 1, 1);
        var sampler = new BatchSampler(8, 2, seed: 1, flips: false);
        var seen = new List<float>();
        for (var it = 4; it < 8; it++) // the second epoch
            seen.AddRange(sampler.Draw(it, ids, ids, null, null).Images.flatten().data<float>().ToArray());
        Assert.Equal(Enumerable.Range(0, 8).Select(i => (float)i), seen.Order());
    }

    // which source row each batch row came from (rows are distinct random patterns up to flips)
    private static Tensor FindRows(Tensor source, Tensor batch)
    {
        var rows = new long[batch.shape[0]];
        for (var i = 0; i < batch.shape[0]; i++)
        {
            var target = batch[i].sum().item<float>();
            rows[i] = Enumerable.Range(0, (int)source.shape[0]).First(j => Math.Abs(source[j].sum().item<float>() - target) < 1e-4);
        }
        return tensor(rows);
    }
}
