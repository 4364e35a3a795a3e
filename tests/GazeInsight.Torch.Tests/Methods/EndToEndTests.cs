using GazeInsight.Torch.Tests.Training;
using GazeInsight.Torch.Methods;
using GazeInsight.Torch.Training;

namespace GazeInsight.Torch.Tests.Methods;

public sealed class EndToEndTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("gi-methods-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private ExperimentRequest Request(string name, MethodOptions method) =>
        TestRequests.Tiny(Path.Combine(_root, "data"), Path.Combine(_root, name), method, TinyFgi.StudentFeatures,
            iterations: 6, evalEvery: 3, seed: 2);

    [Fact]
    public void FgiAndGazeMedSegTrainThroughTheExperimentRunner()
    {
        TinyDataset.Write(Path.Combine(_root, "data"));
        var fgi = ExperimentRunner.Run(Request("fgi", TinyFgi.Options(text: false)), null, CancellationToken.None);
        Assert.Equal(
            [(MethodOutput.Teacher, CheckpointKind.Last), (MethodOutput.Student, CheckpointKind.Last), (MethodOutput.Average, CheckpointKind.Last),
             (MethodOutput.Teacher, CheckpointKind.Best), (MethodOutput.Student, CheckpointKind.Best), (MethodOutput.Average, CheckpointKind.Best)],
            fgi.Evaluations.Select(e => (e.Output, e.Checkpoint)));
        Assert.All(fgi.Evaluations.SelectMany(e => e.Cases), c => Assert.InRange(c.Dice, 0, 1));
        Assert.All(fgi.Curve, p => Assert.True(double.IsFinite(p.Loss)));

        var gms = ExperimentRunner.Run(Request("gms", TestRequests.GazeMedSeg([0.5, 0.3])), null, CancellationToken.None);
        Assert.Equal([(MethodOutput.Model, CheckpointKind.Last), (MethodOutput.Model, CheckpointKind.Best)], gms.Evaluations.Select(e => (e.Output, e.Checkpoint)));
        Assert.Equal([3, 6], gms.Curve.Select(p => p.Iteration));
    }

    [Fact]
    public void FgiReadsTextEmbeddingsOfAnySizeFromTheDataRoot()
    {
        var data = TinyDataset.Write(Path.Combine(_root, "data"));
        // token embeddings of varying length L and size D = 10 (not the options' TextDim):
        // the runner pads them, passes the real-token mask and sizes the projection from the files
        var ids = File.ReadAllLines(Path.Combine(data, "train.txt")).Concat(File.ReadAllLines(Path.Combine(data, "test.txt")));
        var random = new Random(3);
        foreach (var id in ids)
        {
            var length = random.Next(2, 6);
            var values = Enumerable.Range(0, length * 10).Select(_ => (float)random.NextDouble()).ToArray();
            GazeInsight.Imaging.IO.NpyFile.WriteFloat32(Path.Combine(data, "embeddings", id + ".npy"), values, [length, 10]);
        }

        var fgi = ExperimentRunner.Run(Request("fgi-text", TinyFgi.Options(text: true)), null, CancellationToken.None);
        Assert.Equal(6, fgi.Evaluations.Count);
        Assert.All(fgi.Curve, p => Assert.True(double.IsFinite(p.Loss)));
    }
}
