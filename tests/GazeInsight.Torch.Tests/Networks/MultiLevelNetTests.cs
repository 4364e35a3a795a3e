using GazeInsight.Torch.Networks;
using static TorchSharp.torch;

namespace GazeInsight.Torch.Tests.Networks;

public class MultiLevelNetTests
{
    [Fact]
    public void LevelsStartIdenticalAndPredictTheMeanLogit()
    {
        using var scope = NewDisposeScope();
        using var net = new MultiLevelNet(3, [8, 8, 16, 32, 64, 8], levels: 3, featureSize: 8);
        var state = net.state_dict();
        Assert.Contains("model.2.encoder.conv_0.conv_0.conv.weight", state.Keys);
        Assert.Contains("model.0.classifier.weight", state.Keys);
        foreach (var key in state.Keys.Where(k => k.StartsWith("model.0.")))
            Assert.True(state[key].Equals(state["model.2." + key["model.0.".Length..]]), key);
        net.eval();
        var x = randn(2, 3, 16, 16);
        var expected = (net.Level(0).forward(x) + net.Level(1).forward(x) + net.Level(2).forward(x)) / 3;
        Assert.True(net.forward(x).allclose(expected, atol: 1e-6));
    }

    [Fact]
    public void SinglePixelPropagationIsTheSelfAffinityTimesTheLogit()
    {
        // one pixel: the 24 other neighbours are zero padding (affinity 0), the pixel itself has
        // affinity f.f = 1; softmax gives e / (e + 24); the zero neighbours classify to the bias.
        using var scope = NewDisposeScope();
        var features = ones(1, 1, 1, 1);
        var weight = full(1, 1, 1, 1, 2.0f);
        var bias = full(1, 0.5f);
        var self = Math.E / (Math.E + 24);
        var expected = self * (2 * 1 + 0.5) + (1 - self) * 0.5;
        Assert.Equal(expected, FeaturePropagation.PropagatedLogits(features, weight, bias).item<float>(), 5);
    }

    [Theory]
    [InlineData(12)]
    [InlineData(13)]
    [InlineData(14)]
    [InlineData(15)]
    [InlineData(16)]
    public void PropagationMatchesAPixelLoopOverTheDilatedNeighbourhood(int seed)
    {
        using var scope = NewDisposeScope();
        manual_seed(seed);
        var features = randn(1, 2, 5, 6);
        var weight = randn(1, 2, 1, 1);
        var bias = randn(1);
        var f = features[0].data<float>().ToArray();
        float F(int c, int y, int x) => y < 0 || y >= 5 || x < 0 || x >= 6 ? 0 : f[(c * 5 + y) * 6 + x];
        float w0 = weight.data<float>()[0], w1 = weight.data<float>()[1], b = bias.item<float>();
        var actual = FeaturePropagation.PropagatedLogits(features, weight, bias)[0, 0].data<float>().ToArray();
        for (var y = 0; y < 5; y++)
        for (var x = 0; x < 6; x++)
        {
            var scores = new List<double>();
            var neighbours = new List<(double, double)>();
            for (var dy = -4; dy <= 4; dy += 2)
            for (var dx = -4; dx <= 4; dx += 2)
            {
                double a = F(0, y + dy, x + dx), c = F(1, y + dy, x + dx);
                scores.Add(Math.Max(0, F(0, y, x) * a + F(1, y, x) * c));
                neighbours.Add((a, c));
            }
            var max = scores.Max();
            var exp = scores.Select(s => Math.Exp(s - max)).ToArray();
            double f0 = 0, f1 = 0;
            for (var k = 0; k < 25; k++) { f0 += exp[k] / exp.Sum() * neighbours[k].Item1; f1 += exp[k] / exp.Sum() * neighbours[k].Item2; }
            // float32 against double: relative tolerance (dot products of randn features reach ~10)
            var expected = w0 * f0 + w1 * f1 + b;
            Assert.True(Math.Abs(expected - actual[y * 6 + x]) <= 1e-4 * (1 + Math.Abs(expected)), $"({y},{x}): {expected} vs {actual[y * 6 + x]}");
        }
    }
}
