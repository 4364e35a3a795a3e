using GazeInsight.Torch.Losses;
using GazeInsight.Torch.Methods;
using GazeInsight.Torch.Tests.Training;
using GazeInsight.Torch.Training;
using static TorchSharp.torch;

namespace GazeInsight.Torch.Tests.Methods;

public sealed class FgiMethodTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("gi-fgi-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    // The batch's TextValid reaches every teacher pass (supervised, CWC, prediction): text padded
    // with zero rows marked invalid gives the same step loss and the same predictions.
    [Fact]
    public void PaddedTextMarkedInvalidChangesNeitherTheStepNorThePrediction()
    {
        using var scope = NewDisposeScope();
        var plain = TinyFgi.Batch();
        var b = plain.Text!.shape[0];
        var padded = plain with { Text = cat([plain.Text, zeros(b, 3, TinyFgi.TextDim)], 1) };
        padded = padded with { TextValid = arange(TinyFgi.TextLength + 3).unsqueeze(0).lt(TinyFgi.TextLength).expand(b, -1) };
        float Step(Batch batch)
        {
            using var method = TinyFgi.Create(TinyFgi.Options());
            method.SetTraining(true);
            return method.TrainStep(batch, iteration: 20).item<float>();
        }
        Assert.InRange(Math.Abs(Step(plain) - Step(padded)), 0, 1e-5);
        using var method = TinyFgi.Create(TinyFgi.Options());
        method.SetTraining(false);
        using var noGrad = no_grad();
        foreach (var output in new[] { MethodOutput.Teacher, MethodOutput.Average })
            Assert.True(method.Predict(padded, output).allclose(method.Predict(plain, output), rtol: 0, atol: 1e-5));
        Assert.False(method.Predict(padded with { TextValid = null }, MethodOutput.Teacher).allclose(method.Predict(plain, MethodOutput.Teacher), rtol: 0, atol: 1e-5));
    }

    // A step drops the last step's gradients instead of zero-filling them (PyTorch's
    // zero_grad(set_to_none=True)), so they are not held through the next forward pass: a handle
    // kept on an old gradient still reads its old values after the next step.
    [Fact]
    public void AStepReleasesTheLastStepsGradientsInsteadOfZeroFillingThem()
    {
        using var scope = NewDisposeScope();
        using var method = TinyFgi.Create(TinyFgi.Options());
        method.SetTraining(true);
        var batch = TinyFgi.Batch();
        method.TrainStep(batch, iteration: 20);
        var parameters = new[] { method.Teacher.parameters().First(), method.Student.parameters().First() };
        var old = parameters.Select(p => p.grad!).ToArray();
        var values = old.Select(g => g.clone()).ToArray();
        method.TrainStep(batch, iteration: 21);
        for (var i = 0; i < old.Length; i++)
        {
            Assert.True(old[i].allclose(values[i], rtol: 0, atol: 0));
            Assert.False(parameters[i].grad!.allclose(values[i], rtol: 0, atol: 0));
        }
    }

    // The reported parts rebuild the step's loss: L_T + L_S + w(t) (afc AFC + cwc (CWC_S<-T + CWC_T<-S)).
    [Fact]
    public void LossTermsRebuildTheStepLossAndStartOverWhenTaken()
    {
        using var scope = NewDisposeScope();
        var options = TinyFgi.Options();
        using var method = TinyFgi.Create(options);
        method.SetTraining(true);
        Assert.Equal(["loss_teacher", "loss_student", "afc", "cwc_student_from_teacher", "cwc_teacher_from_student",
            "foreground_teacher", "foreground_student", "ramp"], method.LossTermNames);
        Assert.Empty(method.TakeLossTerms());
        var loss = method.TrainStep(TinyFgi.Batch(), iteration: 3).item<float>();
        var t = method.TakeLossTerms().ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal(method.LossTermNames, t.Keys);
        Assert.Equal(RampUp.Weight(3, options.RampUp), t["ramp"], 1e-9);
        Assert.True(t["ramp"] is > 0 and < 1);
        var rebuilt = t["loss_teacher"] + t["loss_student"]
                      + t["ramp"] * (options.AfcWeight * t["afc"] + options.CwcWeight * (t["cwc_student_from_teacher"] + t["cwc_teacher_from_student"]));
        Assert.InRange(Math.Abs(rebuilt - loss), 0, 1e-4);
        Assert.All(new[] { "foreground_teacher", "foreground_student" }, k => Assert.InRange(t[k], 0, 1));
        Assert.Empty(method.TakeLossTerms());

        // two steps: means; off terms are not reported
        using var bare = TinyFgi.Create(options with { AfcWeight = 0, Cwc = CwcVariant.Off });
        Assert.Equal(["loss_teacher", "loss_student", "foreground_teacher", "foreground_student", "ramp"], bare.LossTermNames);
        var losses = Enumerable.Range(0, 2).Select(it => bare.TrainStep(TinyFgi.Batch(seed: it), it).item<float>()).ToArray();
        var two = bare.TakeLossTerms().ToDictionary(p => p.Key, p => p.Value);
        Assert.InRange(Math.Abs(two["loss_teacher"] + two["loss_student"] - losses.Average()), 0, 1e-4);
    }

    [Fact]
    public void WithoutAuxiliaryTermsTheLossIsTheTwoSupervisedBces()
    {
        using var scope = NewDisposeScope();
        var options = TinyFgi.Options() with { AfcWeight = 0, Cwc = CwcVariant.Off, Darm = new DarmOff() };
        using var method = TinyFgi.Create(options);
        var batch = TinyFgi.Batch();
        method.SetTraining(true);
        Tensor expected;
        using (no_grad())
        {
            // same weights, train-mode batch norm: what the step should compute before updating
            var teacher = method.Teacher.forward(batch.Images, batch.Text);
            var student = method.Student.forward(batch.Images);
            expected = SegmentationLoss.Bce(teacher, batch.Gaze!.ge(0.5).to_type(ScalarType.Float32))
                       + SegmentationLoss.Bce(student, batch.Gaze!.ge(0.3).to_type(ScalarType.Float32));
        }
        var loss = method.TrainStep(batch, iteration: 0);
        Assert.Equal(expected.item<float>(), loss.item<float>(), 4);
    }

    public static TheoryData<string, Fgi> Variants()
    {
        var full = TinyFgi.Options();
        return new TheoryData<string, Fgi>
        {
            { "released", full },
            { "paper", full with { Cwc = CwcVariant.TeacherToStudent, SupervisedLoss = SupervisedLoss.PartialCe, Darm = TestRequests.Darm(DarmRegion.PredictionDisagreement) } },
            { "learnable fusion", full with { FusionWeight = FusionWeight.Learnable } },
            { "no text", TinyFgi.Options(text: false) },
            { "no afc", full with { AfcWeight = 0 } },
            { "no cwc", full with { Cwc = CwcVariant.Off } },
            { "no darm", full with { Darm = new DarmOff() } },
        };
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void EveryVariantTrainsBothNetworks(string name, Fgi options)
    {
        using var scope = NewDisposeScope();
        using var method = TinyFgi.Create(options);
        var teacherBefore = method.Teacher.state_dict()["classifier.weight"].clone();
        var studentBefore = method.Student.state_dict()["classifier.weight"].clone();
        method.SetTraining(true);
        for (var it = 0; it < 3; it++)
        {
            var loss = method.TrainStep(TinyFgi.Batch(seed: it), it).item<float>();
            Assert.True(float.IsFinite(loss), $"{name}: loss {loss} at step {it}");
        }
        Assert.False(teacherBefore.allclose(method.Teacher.state_dict()["classifier.weight"]), $"{name}: teacher unchanged");
        Assert.False(studentBefore.allclose(method.Student.state_dict()["classifier.weight"]), $"{name}: student unchanged");
        method.SetTraining(false);
        using (no_grad())
            foreach (var output in method.Outputs)
                Assert.Equal(new long[] { 4, 2, TinyFgi.Size, TinyFgi.Size }, method.Predict(TinyFgi.Batch(), output).shape);
    }

    [Fact]
    public void AverageOutputIsTheMeanOfTeacherAndStudentLogits()
    {
        using var scope = NewDisposeScope();
        using var method = TinyFgi.Create(TinyFgi.Options());
        method.SetTraining(false);
        using var noGrad = no_grad();
        var batch = TinyFgi.Batch();
        var expected = (method.Predict(batch, MethodOutput.Teacher) + method.Predict(batch, MethodOutput.Student)) / 2;
        Assert.True(method.Predict(batch, MethodOutput.Average).allclose(expected, atol: 1e-6));
        Assert.Throws<ArgumentException>(() => method.Predict(batch, MethodOutput.Model));
    }

    [Fact]
    public void SameSeedGivesTheSameStepsAndSaveLoadRestoresPredictions()
    {
        using var scope = NewDisposeScope();
        float[] Run(FgiMethod m) => Enumerable.Range(0, 3).Select(it => m.TrainStep(TinyFgi.Batch(seed: it), it).item<float>()).ToArray();
        using var a = TinyFgi.Create(TinyFgi.Options(), seed: 4);
        using var b = TinyFgi.Create(TinyFgi.Options(), seed: 4);
        Assert.Equal(Run(a), Run(b));

        a.Save(_folder, withOptimizers: true);
        using var c = TinyFgi.Create(TinyFgi.Options(), seed: 99);
        c.Load(_folder, withOptimizers: true);
        a.SetTraining(false);
        c.SetTraining(false);
        using var noGrad = no_grad();
        var batch = TinyFgi.Batch(seed: 7);
        foreach (var output in a.Outputs)
            Assert.True(a.Predict(batch, output).Equals(c.Predict(batch, output)), output.ToString());
    }

    [Fact]
    public void MissingTextIsAClearError()
    {
        using var scope = NewDisposeScope();
        using var method = TinyFgi.Create(TinyFgi.Options());
        var batch = TinyFgi.Batch() with { Text = null };
        var error = Assert.Throws<InvalidOperationException>(() => method.TrainStep(batch, 0));
        Assert.Contains("text", error.Message);
        Assert.Throws<ArgumentException>(() => TinyFgi.Create(TinyFgi.Options() with { LowThreshold = 0.6 }));
    }

    [Fact]
    public void TeacherExplainsWithOneAttentionMapPerScale()
    {
        using var scope = NewDisposeScope();
        using var method = TinyFgi.Create(TinyFgi.Options());
        method.SetTraining(false);
        using var noGrad = no_grad();
        using var output = method.Explain(TinyFgi.Batch(batchSize: 2));
        Assert.Equal([256L, 64, 16, 4], output.Attention.Select(a => a.shape[1]));
        Assert.All(output.Attention, a => Assert.Equal(new long[] { 2, a.shape[1], TinyFgi.TextLength }, a.shape));
    }
}
