using GazeInsight.Torch.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace GazeInsight.Torch.Tests.Networks;

public class TextFusionTests
{
    [Fact]
    public void CheckpointNamesAndShapesFollowTheReleasedCode()
    {
        using var fusion = new TextFusion(channels: 16, height: 4, width: 3, textDim: 7, heads: 4);
        var shapes = fusion.state_dict().ToDictionary(p => p.Key, p => p.Value.shape);
        Assert.Equal(new long[] { 12, 16 }, shapes["pos_embedding"]);
        Assert.Equal(new long[] { 48, 16 }, shapes["attn.in_proj_weight"]);
        Assert.Equal(new long[] { 48 }, shapes["attn.in_proj_bias"]);
        Assert.Equal(new long[] { 16, 16 }, shapes["attn.out_proj.weight"]);
        Assert.Equal(new long[] { 16 }, shapes["attn.out_proj.bias"]);
        Assert.Equal(new long[] { 16, 7 }, shapes["text_proj.weight"]);
        Assert.Equal(new long[] { 16 }, shapes["norm.weight"]);
        Assert.DoesNotContain("fusion_weight", shapes.Keys);
    }

    [Fact]
    public void PositionalEmbeddingIsTruncatedNormalWithStd002()
    {
        using var fusion = new TextFusion(channels: 64, height: 32, width: 32, textDim: 4);
        var values = fusion.state_dict()["pos_embedding"];
        Assert.InRange(values.std().item<float>(), 0.019, 0.021);
        Assert.InRange(Math.Abs(values.mean().item<float>()), 0, 0.001);
    }

    [Fact]
    public void MatchesCrossAttentionWrittenOutByHand()
    {
        using var scope = NewDisposeScope();
        const int channels = 8, heads = 2, length = 5, textDim = 3;
        using var fusion = new TextFusion(channels, height: 2, width: 3, textDim, heads);
        var x = randn(2, channels, 2, 3);
        var text = randn(2, length, textDim);
        var p = fusion.state_dict();

        // sequence-first multi-head attention: queries are image tokens + positions
        var query = x.flatten(2).transpose(1, 2) + p["pos_embedding"];                 // [B, 6, C]
        var keys = text.matmul(p["text_proj.weight"].t()) + p["text_proj.bias"];       // [B, L, C]
        var w = p["attn.in_proj_weight"]; var b = p["attn.in_proj_bias"];
        var q = query.matmul(w[..channels].t()) + b[..channels];
        var k = keys.matmul(w[channels..(2 * channels)].t()) + b[channels..(2 * channels)];
        var v = keys.matmul(w[(2 * channels)..].t()) + b[(2 * channels)..];
        var headDim = channels / heads;
        var outputs = new List<Tensor>();
        for (var h = 0; h < heads; h++)
        {
            var cols = (h * headDim)..((h + 1) * headDim);
            var scores = q[.., .., cols].matmul(k[.., .., cols].transpose(1, 2)) / Math.Sqrt(headDim);
            outputs.Add(scores.softmax(-1).matmul(v[.., .., cols]));
        }
        var attended = cat(outputs, -1).matmul(p["attn.out_proj.weight"].t()) + p["attn.out_proj.bias"];
        var normed = nn.functional.layer_norm(query + attended, [channels], p["norm.weight"], p["norm.bias"]);
        var expected = x + normed.transpose(1, 2).reshape(2, channels, 2, 3);

        var actual = fusion.forward(x, text);
        Assert.True(actual.allclose(expected, rtol: 1e-4, atol: 1e-5));
    }

    [Fact]
    public void AttentionMapsAreDistributionsOverTextTokens()
    {
        using var scope = NewDisposeScope();
        using var fusion = new TextFusion(channels: 8, height: 4, width: 4, textDim: 5, heads: 8);
        var (fused, attention) = fusion.Fuse(randn(3, 8, 4, 4), randn(3, 6, 5), needWeights: true);
        Assert.Equal(new long[] { 3, 8, 4, 4 }, fused.shape);
        Assert.Equal(new long[] { 3, 16, 6 }, attention!.shape);
        Assert.True(attention.sum(-1).allclose(ones(3, 16), atol: 1e-5));
    }

    [Fact]
    public void LearnableWeightStartsAtOneAndScalesTheFusedTerm()
    {
        using var scope = NewDisposeScope();
        using var fusion = new TextFusion(channels: 8, height: 2, width: 2, textDim: 4, heads: 2, learnableWeight: true);
        var x = randn(1, 8, 2, 2);
        var text = randn(1, 3, 4);
        Assert.Equal(1f, fusion.state_dict()["fusion_weight"].item<float>());
        var withOne = fusion.forward(x, text);
        using (no_grad()) fusion.state_dict()["fusion_weight"].fill_(0.0);
        Assert.True(fusion.forward(x, text).allclose(x));
        Assert.False(withOne.allclose(x));
    }

    [Fact]
    public void RejectsMismatchedInputsWithTheShapes()
    {
        using var scope = NewDisposeScope();
        using var fusion = new TextFusion(channels: 8, height: 2, width: 2, textDim: 4, heads: 2);
        var sizeError = Assert.Throws<ArgumentException>(() => fusion.forward(randn(1, 8, 3, 3), randn(1, 2, 4)));
        Assert.Contains("2x2", sizeError.Message);
        var textError = Assert.Throws<ArgumentException>(() => fusion.forward(randn(1, 8, 2, 2), randn(1, 2, 5)));
        Assert.Contains("D=4", textError.Message);
        Assert.Throws<ArgumentException>(() => new TextFusion(channels: 12, height: 2, width: 2, textDim: 4, heads: 8));
    }

    // Zero rows appended as padding and marked invalid must not change the fusion: without the mask
    // they are keys projected to text_proj's bias and take softmax weight from the real tokens.
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void PaddedTokensTakeNoPartInTheAttention(bool needWeights)
    {
        using var scope = NewDisposeScope();
        using var fusion = new TextFusion(channels: 8, height: 2, width: 3, textDim: 5, heads: 2);
        var x = randn(2, 8, 2, 3);
        var text = randn(2, 4, 5);
        var padded = cat([text, zeros(2, 3, 5)], 1);
        var valid = cat([ones(2, 4, dtype: ScalarType.Bool), zeros(2, 3, dtype: ScalarType.Bool)], 1);
        var (expected, expectedWeights) = fusion.Fuse(x, text, needWeights);
        var (masked, maskedWeights) = fusion.Fuse(x, padded, needWeights, valid);
        Assert.True(masked.allclose(expected, rtol: 0, atol: 1e-5));
        if (needWeights)
        {
            Assert.True(maskedWeights![.., .., ..4].allclose(expectedWeights!, rtol: 0, atol: 1e-6));
            Assert.Equal(0, maskedWeights[.., .., 4..].abs().max().item<float>());
        }
        var (unmasked, _) = fusion.Fuse(x, padded, needWeights);
        Assert.False(unmasked.allclose(expected, rtol: 0, atol: 1e-5));
    }

    [Fact]
    public void RejectsAMaskOfTheWrongShape()
    {
        using var scope = NewDisposeScope();
        using var fusion = new TextFusion(channels: 8, height: 2, width: 2, textDim: 4, heads: 2);
        var error = Assert.Throws<ArgumentException>(() => fusion.Fuse(randn(1, 8, 2, 2), randn(1, 3, 4), false, ones(1, 2, dtype: ScalarType.Bool)));
        Assert.Contains("L=3", error.Message);
    }
}
