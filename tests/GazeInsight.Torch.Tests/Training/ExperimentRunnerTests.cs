using GazeInsight.Torch.Methods;
using GazeInsight.Torch.Training;

namespace GazeInsight.Torch.Tests.Training;

public sealed class ExperimentRunnerTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("gi-runner-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private ExperimentRequest Request(string outputName, MethodOptions method, int iterations = 8) =>
        TestRequests.Tiny(Path.Combine(_root, "data"), Path.Combine(_root, outputName), method, [8, 8, 16, 32, 64, 8],
            iterations, evalEvery: 4, seed: 5, featureSize: 128);

    private byte[] LastWeights(string outputName) =>
        File.ReadAllBytes(Path.Combine(_root, outputName, "checkpoints", "last", "model.bin"));

    [Fact]
    public void RepeatedCpuRunWithOneSeedIsBitIdentical()
    {
        TinyDataset.Write(Path.Combine(_root, "data"));
        var a = ExperimentRunner.Run(Request("a", new FullySupervised()), null, CancellationToken.None);
        var b = ExperimentRunner.Run(Request("b", new FullySupervised()), null, CancellationToken.None);
        Assert.Equal(LastWeights("a"), LastWeights("b"));
        Assert.Equal(a.Curve.Select(p => p.Loss), b.Curve.Select(p => p.Loss));
        Assert.Equal(a.Evaluations[0].Cases, b.Evaluations[0].Cases);
    }

    [Fact]
    public void InterruptedRunResumesToTheSameWeights()
    {
        TinyDataset.Write(Path.Combine(_root, "data"));
        ExperimentRunner.Run(Request("whole", new GazeSingleLevel(0.5)), null, CancellationToken.None);

        using var cancel = new CancellationTokenSource();
        var stopAfterFirstCheckpoint = new SynchronousProgress(p => { if (p.ValidationDice is not null) cancel.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() =>
            ExperimentRunner.Run(Request("resumed", new GazeSingleLevel(0.5)), stopAfterFirstCheckpoint, cancel.Token));
        var report = ExperimentRunner.Run(Request("resumed", new GazeSingleLevel(0.5)), null, CancellationToken.None);

        Assert.Equal(LastWeights("whole"), LastWeights("resumed"));
        Assert.Equal([4, 8], report.Curve.Select(p => p.Iteration));
    }

    [Fact]
    public void ACellResumedAtItsLastIterationReportsTheThroughputOfItsTraining()
    {
        TinyDataset.Write(Path.Combine(_root, "data"));
        var first = ExperimentRunner.Run(Request("again", new FullySupervised()), null, CancellationToken.None);
        // as after a kill during the test evaluation: every iteration is checkpointed, none is left
        var again = ExperimentRunner.Run(Request("again", new FullySupervised()), null, CancellationToken.None);
        Assert.True(first.ImagesPerSecond > 0);
        Assert.InRange(again.ImagesPerSecond / first.ImagesPerSecond, 0.5, 2.0);
    }

    [Fact]
    public void ReportsLastAndBestForTheModelOutput()
    {
        TinyDataset.Write(Path.Combine(_root, "data"));
        var report = ExperimentRunner.Run(Request("r", new FullySupervised()), null, CancellationToken.None);
        Assert.Equal([(MethodOutput.Model, CheckpointKind.Last), (MethodOutput.Model, CheckpointKind.Best)],
            report.Evaluations.Select(e => (e.Output, e.Checkpoint)));
        Assert.All(report.Evaluations, e => Assert.Equal(4, e.Cases.Count));
        Assert.All(report.Evaluations.SelectMany(e => e.Cases), c => Assert.InRange(c.Dice, 0, 1));
    }

    [Theory]
    [InlineData(MethodOutput.Student)]
    [InlineData(MethodOutput.Teacher)]
    [InlineData(MethodOutput.Average)]
    public void FgiPicksItsBestCheckpointByTheSelectionOutput(MethodOutput selected)
    {
        TinyDataset.Write(Path.Combine(_root, "data"));
        var report = ExperimentRunner.Run(Request("fgi", Methods.TinyFgi.Options(text: false), iterations: 16) with { FeatureSize = 8, SelectOutput = selected },
            null, CancellationToken.None);

        Assert.Equal(selected, report.SelectOutput);
        Assert.All(report.Curve, p => Assert.Equal([MethodOutput.Teacher, MethodOutput.Student, MethodOutput.Average], p.ValidationByOutput!.Keys));
        Assert.All(report.Curve, p => Assert.Equal(p.ValidationByOutput![selected], p.ValidationDice));
        var best = report.Curve.MaxBy(p => p.ValidationByOutput![selected])!;   // the first of equal maxima
        Assert.Equal(best.Iteration, report.BestIteration);
    }

    [Fact]
    public void FgiLogsEveryLossTermToTheCellLogAndTensorBoard()
    {
        TinyDataset.Write(Path.Combine(_root, "data"));
        ExperimentRunner.Run(Request("terms", Methods.TinyFgi.Options(text: false), iterations: 12) with { FeatureSize = 8 }, null, CancellationToken.None);

        string[] names = ["loss_teacher", "loss_student", "afc", "cwc_student_from_teacher", "cwc_teacher_from_student",
            "foreground_teacher", "foreground_student", "ramp"];
        var lines = File.ReadAllLines(Path.Combine(_root, "terms", LossLog.FileName));
        Assert.Equal(["iteration", "loss", "learning_rate", .. names], lines[0].Split('\t'));
        Assert.Equal(["4", "8", "10", "12"], lines.Skip(1).Select(l => l.Split('\t')[0]));
        Assert.All(lines.Skip(1), l => Assert.All(l.Split('\t'), v => Assert.True(double.IsFinite(double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)), l)));
        var events = string.Concat(Directory.GetFiles(Path.Combine(_root, "terms", "tensorboard"), "*", SearchOption.AllDirectories)
            .Select(f => System.Text.Encoding.Latin1.GetString(File.ReadAllBytes(f))));
        Assert.All(names, n => Assert.Contains($"train/{n}", events));
    }

    [Fact]
    public void ASelectionOutputTheMethodLacksIsRefused()
    {
        TinyDataset.Write(Path.Combine(_root, "data"));
        var error = Assert.Throws<ArgumentException>(() =>
            ExperimentRunner.Run(Request("bad", Methods.TinyFgi.Options(text: false)) with { FeatureSize = 8, SelectOutput = MethodOutput.Model },
                null, CancellationToken.None));
        Assert.Contains("select_output 'model'", error.Message);
    }

    [Fact]
    public void IoUSelectsTheBestCheckpointToo()
    {
        TinyDataset.Write(Path.Combine(_root, "data"));
        var report = ExperimentRunner.Run(Request("iou", new FullySupervised()) with { SelectBy = SelectionMetric.IoU }, null, CancellationToken.None);
        Assert.Contains(report.BestIteration, report.Curve.Select(p => p.Iteration));
        Assert.Contains(report.Evaluations, e => e.Checkpoint == CheckpointKind.Best);
    }

    private sealed class SynchronousProgress(Action<TrainingProgress> handler) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => handler(value);
    }
}
