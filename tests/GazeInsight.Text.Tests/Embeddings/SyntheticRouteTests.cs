using GazeInsight.Imaging.Synthetic;
using GazeInsight.Text.Descriptions;
using GazeInsight.Text.Embeddings;
using GazeInsight.Text.Encoders;
using GazeInsight.Text.Tests.Encoders;

namespace GazeInsight.Text.Tests.Embeddings;

/// <summary>The synthetic generator's descriptions go through the same embed pass and loader as real data.</summary>
[Collection(MiniLmCollection.Name)]
public sealed class SyntheticRouteTests(MiniLmFixture fixture) : IDisposable
{
    private readonly TempDir _root = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public void Generated_descriptions_embed_and_load_padded_for_the_trainer()
    {
        var options = new SyntheticOptions { ImageSize = 32, TrainCount = 3, TestCount = 2, Seed = 7, DescriptionCorruption = 0.3 };
        SyntheticDataset.Generate(options, _root.Path);
        var ids = File.ReadAllLines(_root.File("train.txt")).Concat(File.ReadAllLines(_root.File("test.txt"))).ToArray();

        var descriptions = DescriptionFile.Read(DescriptionFile.PathIn(_root.Path));
        var summary = EmbeddingPass.Run(_root.Path, fixture.Encoder, new EmbedOptions());
        var padded = new EmbeddingStore(_root.Path).LoadPadded(ids);

        Assert.Equal(ids, descriptions.Select(d => d.Id));
        Assert.Equal(5, summary.Written);
        Assert.Equal((5, MiniLmEncoder.Size), (padded.Count, padded.Dimension));
        Assert.Equal(summary.MaxLength, padded.Length);
        Assert.Equal(padded.Lengths.Sum(), padded.Valid.Count(v => v));
        Assert.Empty(new EmbeddingStore(_root.Path).Verify(ids));
    }
}
