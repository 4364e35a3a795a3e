using GazeInsight.Torch.Methods;
using GazeInsight.Torch.Tests.Training;
using GazeInsight.Torch.Training;
using static TorchSharp.torch;

namespace GazeInsight.Torch.Tests.Methods;

public class GazeMedSegMethodTests
{
    private static GazeMedSegMethod Create(params double[] thresholds)
    {
        manual_seed(0);
        return new GazeMedSegMethod(new NetworkShape(3, 32, [8, 8, 16, 32, 64, 8], 8, null), TestRequests.GazeMedSeg(thresholds, rampUp: 0),
            TestRequests.Sgd(), TestRequests.Fp32(), CPU);
    }

    [Fact]
    public void LevelsLearnTheirOwnMasksFromIdenticalStarts()
    {
        using var scope = NewDisposeScope();
        using var method = Create(0.5, 0.3);
        var level0 = method.Model.Level(0).state_dict()["classifier.weight"];
        var level1 = method.Model.Level(1).state_dict()["classifier.weight"];
        Assert.True(level0.Equals(level1));
        method.SetTraining(true);
        for (var it = 0; it < 2; it++) Assert.True(float.IsFinite(method.TrainStep(TinyFgi.Batch(seed: it), it).item<float>()));
        Assert.False(level0.allclose(level1), "different gaze levels must pull the levels apart");
    }

    [Fact]
    public void PredictionPutsTheMeanLogitInChannelOne()
    {
        using var scope = NewDisposeScope();
        using var method = Create(0.5, 0.3, 0.4);
        method.SetTraining(false);
        using var noGrad = no_grad();
        var batch = TinyFgi.Batch();
        var logits = method.Predict(batch, MethodOutput.Model);
        Assert.Equal(new long[] { 4, 2, 32, 32 }, logits.shape);
        Assert.True(logits[.., 0].eq(0).all().item<bool>());
        Assert.True(logits[.., 1..2].allclose(method.Model.forward(batch.Images)));
    }

    [Fact]
    public void OneLevelTrainsWithoutConsistency()
    {
        using var scope = NewDisposeScope();
        using var method = Create(0.5);
        Assert.True(float.IsFinite(method.TrainStep(TinyFgi.Batch(), 0).item<float>()));
        Assert.Throws<ArgumentException>(() => Create());
        Assert.Throws<ArgumentException>(() => Create(1.5));
    }
}
