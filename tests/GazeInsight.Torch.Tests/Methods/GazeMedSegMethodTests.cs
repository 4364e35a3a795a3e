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
    public void LossTermsRebuildTheLossAndShowEachLevelsForeground()
    {
        using var scope = NewDisposeScope();
        using var method = Create(0.5, 0.3);
        method.SetTraining(true);
        Assert.Equal(["bce_level1", "bce_level2", "consistency", "foreground_level1", "foreground_level2", "ramp"], method.LossTermNames);
        Assert.Empty(method.TakeLossTerms());
        var losses = Enumerable.Range(0, 2).Select(it => method.TrainStep(TinyFgi.Batch(seed: it), it).item<float>()).ToArray();
        var t = method.TakeLossTerms().ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal(method.LossTermNames, t.Keys);
        Assert.Equal(1.0, t["ramp"], 1e-9);   // no ramp-up in these tests
        // means over the two steps: the logged parts add up to the mean loss
        var weight = TestRequests.GazeMedSeg([0.5, 0.3], rampUp: 0).ConsistencyWeight;
        Assert.InRange(Math.Abs(t["bce_level1"] + t["bce_level2"] + weight * t["consistency"] - losses.Average()), 0, 1e-4);
        Assert.InRange(t["consistency"], -2, 0);   // per level minus a mean agreement of probabilities, summed over the two
        Assert.All(new[] { "foreground_level1", "foreground_level2" }, k => Assert.InRange(t[k], 0, 1));
        Assert.Empty(method.TakeLossTerms());

        // a level told that lesions are nowhere predicts none: its foreground is 0
        method.Model.SetForegroundPriors([1e-6, 0.5]);
        method.TrainStep(TinyFgi.Batch(), 2);
        var primed = method.TakeLossTerms().ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal(0.0, primed["foreground_level1"]);
        Assert.True(primed["foreground_level2"] > 0, "level 2, at a prior of 0.5, predicts some lesion pixels");
    }

    [Fact]
    public void OneLevelTrainsWithoutConsistency()
    {
        using var scope = NewDisposeScope();
        using var method = Create(0.5);
        Assert.True(float.IsFinite(method.TrainStep(TinyFgi.Batch(), 0).item<float>()));
        Assert.Equal(["bce_level1", "foreground_level1", "ramp"], method.LossTermNames);
        Assert.Throws<ArgumentException>(() => Create());
        Assert.Throws<ArgumentException>(() => Create(1.5));
    }
}
