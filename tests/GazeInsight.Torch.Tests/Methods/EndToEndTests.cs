using GazeInsight.Torch.Tests.Training;
using GazeInsight.Torch.Training;

namespace GazeInsight.Torch.Tests.Methods;

public sealed class EndToEndTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("gi-methods-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private ExperimentRequest Request(string name, MethodOptions method) => new()
    {
        DataRoot = Path.Combine(_root, "data"),
        OutputDir = Path.Combine(_root, name),
        Method = method,
        ImageSize = 32,
        Features = TinyFgi.StudentFeatures,
        Iterations = 6,
        BatchSize = 4,
        EvalEvery = 3,
        ValidationFraction = 0.25,
        Seed = 2,
        Device = "cpu",
    };

    [Fact]
    public void FgiAndGazeMedSegTrainThroughTheExperimentRunner()
    {
        TinyDataset.Write(Path.Combine(_root, "data"));
        // the runner does not pass text yet: the FGI run here is the no-text teacher
        var fgi = ExperimentRunner.Run(Request("fgi", TinyFgi.Options(text: false)), null, CancellationToken.None);
        Assert.Equal(
            [("teacher", "last"), ("student", "last"), ("average", "last"), ("teacher", "best"), ("student", "best"), ("average", "best")],
            fgi.Evaluations.Select(e => (e.Output, e.Checkpoint)));
        Assert.All(fgi.Evaluations.SelectMany(e => e.Cases), c => Assert.InRange(c.Dice, 0, 1));
        Assert.All(fgi.Curve, p => Assert.True(double.IsFinite(p.Loss)));

        var gms = ExperimentRunner.Run(Request("gms", new GazeMedSeg([0.5, 0.3]) { FeatureSize = 8 }), null, CancellationToken.None);
        Assert.Equal([("model", "last"), ("model", "best")], gms.Evaluations.Select(e => (e.Output, e.Checkpoint)));
        Assert.Equal([3, 6], gms.Curve.Select(p => p.Iteration));
    }
}
