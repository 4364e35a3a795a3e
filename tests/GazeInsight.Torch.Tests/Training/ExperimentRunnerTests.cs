using GazeInsight.Torch.Training;

namespace GazeInsight.Torch.Tests.Training;

public sealed class ExperimentRunnerTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("gi-runner-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private ExperimentRequest Request(string outputName, MethodOptions method, int iterations = 8) => new()
    {
        DataRoot = Path.Combine(_root, "data"),
        OutputDir = Path.Combine(_root, outputName),
        Method = method,
        ImageSize = 32,
        Features = [8, 8, 16, 32, 64, 8],
        Iterations = iterations,
        BatchSize = 4,
        EvalEvery = 4,
        ValidationFraction = 0.25,
        Seed = 5,
        Device = "cpu",
    };

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
        Assert.Equal([("model", "last"), ("model", "best")], report.Evaluations.Select(e => (e.Output, e.Checkpoint)));
        Assert.All(report.Evaluations, e => Assert.Equal(4, e.Cases.Count));
        Assert.All(report.Evaluations.SelectMany(e => e.Cases), c => Assert.InRange(c.Dice, 0, 1));
    }

    private static Fgi TinyFgiOptions => new()
    {
        TeacherFeatures = [8, 16, 16, 32, 64, 8],
        FeatureSize = 8,
        TextFusion = false,
        AttentionHeads = 4,
        RampUp = 4,
    };

    [Theory]
    [InlineData(null, "student")]
    [InlineData("teacher", "teacher")]
    [InlineData("average", "average")]
    public void FgiPicksItsBestCheckpointByTheSelectionOutput(string? requested, string expected)
    {
        TinyDataset.Write(Path.Combine(_root, "data"));
        var report = ExperimentRunner.Run(Request("fgi", TinyFgiOptions, iterations: 16) with { FeatureSize = 8, SelectOutput = requested },
            null, CancellationToken.None);

        Assert.Equal(expected, report.SelectOutput);
        Assert.All(report.Curve, p => Assert.Equal(["teacher", "student", "average"], p.ValidationByOutput!.Keys));
        Assert.All(report.Curve, p => Assert.Equal(p.ValidationByOutput![expected], p.ValidationDice));
        var best = report.Curve.MaxBy(p => p.ValidationByOutput![expected])!;   // the first of equal maxima
        Assert.Equal(best.Iteration, report.BestIteration);
    }

    [Fact]
    public void ASelectionOutputTheMethodLacksIsRefused()
    {
        TinyDataset.Write(Path.Combine(_root, "data"));
        var error = Assert.Throws<ArgumentException>(() =>
            ExperimentRunner.Run(Request("bad", TinyFgiOptions) with { FeatureSize = 8, SelectOutput = "model" }, null, CancellationToken.None));
        Assert.Contains("select_output 'model'", error.Message);
    }

    private sealed class SynchronousProgress(Action<TrainingProgress> handler) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => handler(value);
    }
}
