using GazeInsight.Imaging;
using GazeInsight.Imaging.IO;
using GazeInsight.Imaging.Data;
using GazeInsight.Text.Descriptions;
using GazeInsight.Text.Embeddings;
using GazeInsight.Text.Encoders;
using GazeInsight.Text.Tests.Encoders;

namespace GazeInsight.Text.Tests.Embeddings;

[Collection(MiniLmCollection.Name)]
public sealed class EmbeddingPassTests(MiniLmFixture fixture) : IDisposable
{
    private readonly TempDir _root = new();

    public void Dispose() => _root.Dispose();

    private static LesionDescription Desc(string id, string location = "upper left") =>
        new(id, location, "well-defined", "reddish colour, smooth texture", "12%", "high", "No other abnormal regions.");

    private void WriteDescriptions(params LesionDescription[] d) => DescriptionFile.Write(DescriptionFile.PathIn(_root.Path), d);

    [Fact]
    public void Writes_minilm_token_embeddings_that_the_store_loads()
    {
        WriteDescriptions(Desc("a"), Desc("b", "lower right"));

        var summary = EmbeddingPass.Run(_root.Path, fixture.Encoder, new EmbedOptions());

        Assert.Equal((2, 2, 0, 384), (summary.Descriptions, summary.Written, summary.UpToDate, summary.Dimension));
        var a = new EmbeddingStore(_root.Path).Load("a");
        var expected = fixture.Encoder.Encode([DescriptionText.Render(Desc("a"))])[0];
        Assert.Equal((expected.Length, 384), (a.Length, a.Dimension));
        Assert.Equal(expected.Tokens[..10], a.Values[..10]);
        Assert.Equal([expected.Length, 384], NpyFile.Read(_root.File("embeddings/a.npy")).Shape);
    }

    [Fact]
    public void Skips_up_to_date_ids_and_re_embeds_changed_text_or_encoder()
    {
        var encoder = new CountingEncoder("fake:1");
        WriteDescriptions(Desc("a"), Desc("b"), Desc("c"));
        EmbeddingPass.Run(_root.Path, encoder, new EmbedOptions { BatchSize = 2 });
        Assert.Equal([2, 1], encoder.BatchSizes);

        WriteDescriptions(Desc("a"), Desc("b", "centre"), Desc("c"));
        var second = EmbeddingPass.Run(_root.Path, encoder, new EmbedOptions());
        Assert.Equal((1, 2), (second.Written, second.UpToDate));

        File.Delete(_root.File("embeddings/c.npy"));
        var third = EmbeddingPass.Run(_root.Path, encoder, new EmbedOptions());
        Assert.Equal((1, 2), (third.Written, third.UpToDate));

        var fourth = EmbeddingPass.Run(_root.Path, new CountingEncoder("fake:2"), new EmbedOptions());
        Assert.Equal((3, 0), (fourth.Written, fourth.UpToDate));
    }

    [Fact]
    public void Leaves_files_it_did_not_write_alone_unless_told()
    {
        WriteDescriptions(Desc("a"), Desc("b"));
        NpyFile.WriteFloat32(_root.File("embeddings/a.npy"), new float[2 * 768], [1, 2, 768]);
        var encoder = new CountingEncoder("fake:1");

        var kept = EmbeddingPass.Run(_root.Path, encoder, new EmbedOptions());
        Assert.Equal(["a"], kept.ForeignIds);
        Assert.Equal(1, kept.Written);
        Assert.Equal(768, new EmbeddingStore(_root.Path).Load("a").Dimension);

        var replaced = EmbeddingPass.Run(_root.Path, encoder, new EmbedOptions { OverwriteForeign = true });
        Assert.Equal((1, 1), (replaced.Written, replaced.UpToDate));
        Assert.Equal(4, new EmbeddingStore(_root.Path).Load("a").Dimension);
    }

    [Fact]
    public void Batches_texts_of_similar_length_together_and_reports_progress()
    {
        var encoder = new CountingEncoder("fake:1");
        WriteDescriptions(Desc("long1") with { Remarks = "one two three four five six" }, Desc("short1"), Desc("long2") with { Remarks = "one two three four five six" }, Desc("short2"));
        var reports = new List<EmbedProgress>();

        EmbeddingPass.Run(_root.Path, encoder, new EmbedOptions { BatchSize = 2 }, new SyncProgress(reports.Add));

        Assert.Equal([["short1", "short2"], ["long1", "long2"]], encoder.BatchTexts.Select(b => b.Select(t => t.Contains("six") ? "long" : "short").Zip(new[] { "1", "2" }, (a, n) => a + n).ToArray()));
        Assert.Equal([2, 4], reports.Select(r => r.Done));
        Assert.All(reports, r => Assert.Equal(4, r.Total));
    }

    [Fact]
    public void A_damaged_manifest_is_an_input_error()
    {
        WriteDescriptions(Desc("a"));
        _root.Write("embeddings/manifest.json", "{ nope");

        var e = Assert.Throws<InvalidInputException>(() => EmbeddingPass.Run(_root.Path, new CountingEncoder("f"), new EmbedOptions()));

        Assert.StartsWith(_root.File("embeddings/manifest.json") + ": not valid JSON", e.Message);
    }

    private sealed class SyncProgress(Action<EmbedProgress> report) : IProgress<EmbedProgress>
    {
        public void Report(EmbedProgress value) => report(value);
    }

    /// <summary>A 4-d encoder whose token count is the word count plus two; it records its batches.</summary>
    private sealed class CountingEncoder(string fingerprint) : ITextEncoder
    {
        public List<int> BatchSizes { get; } = [];

        public List<string[]> BatchTexts { get; } = [];

        public string Name => "fake";

        public int Dimension => 4;

        public string Fingerprint => fingerprint;

        public int CountTokens(string text) => text.Split(' ').Length + 2;

        public IReadOnlyList<EncodedText> Encode(IReadOnlyList<string> texts)
        {
            BatchSizes.Add(texts.Count);
            BatchTexts.Add([.. texts]);
            return texts.Select(t =>
            {
                int l = CountTokens(t);
                return new EncodedText(Enumerable.Range(0, l * 4).Select(i => (float)i).ToArray(), l, 4, [1, 0, 0, 0]);
            }).ToArray();
        }

        public void Dispose()
        {
        }
    }
}
