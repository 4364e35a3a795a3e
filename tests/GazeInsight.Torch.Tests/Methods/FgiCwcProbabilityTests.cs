using GazeInsight.Torch.Losses;
using GazeInsight.Torch.Training;
using static TorchSharp.torch;

namespace GazeInsight.Torch.Tests.Methods;

public sealed class FgiCwcProbabilityTests
{
    // Fgi.CwcProbability reaches both CWC directions: from identical networks and batch, the
    // supervised terms agree and the CWC terms differ between the two readings of the logits
    // (thresholds of 0.5 count every pixel: a fresh network's logits are far from confident).
    [Fact]
    public void TheCwcProbabilityOptionChangesOnlyTheConsistencyTerms()
    {
        using var scope = NewDisposeScope();
        Dictionary<string, double> Terms(CwcProbability probability)
        {
            using var method = TinyFgi.Create(TinyFgi.Options() with { CwcProbability = probability, TauPositive = 0.5, TauNegative = 0.5 });
            method.SetTraining(true);
            method.TrainStep(TinyFgi.Batch(), iteration: 20);
            return method.TakeLossTerms().ToDictionary(p => p.Key, p => p.Value);
        }
        var sigmoid = Terms(CwcProbability.Sigmoid);
        var softmax = Terms(CwcProbability.Softmax2);
        Assert.Equal(sigmoid["loss_teacher"], softmax["loss_teacher"], 1e-6);
        Assert.Equal(sigmoid["loss_student"], softmax["loss_student"], 1e-6);
        Assert.NotEqual(sigmoid["cwc_student_from_teacher"], softmax["cwc_student_from_teacher"], 4);
        Assert.NotEqual(sigmoid["cwc_teacher_from_student"], softmax["cwc_teacher_from_student"], 4);
    }
}
