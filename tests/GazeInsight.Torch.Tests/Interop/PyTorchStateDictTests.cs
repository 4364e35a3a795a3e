using System.Collections;
using GazeInsight.Imaging;
using GazeInsight.Torch.Interop;
using GazeInsight.Torch.Networks;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace GazeInsight.Torch.Tests.Interop;

public sealed class PyTorchStateDictTests : IDisposable
{
    private static readonly int[] Tiny = [8, 8, 16, 32, 64, 8];
    private readonly string _folder = Directory.CreateTempSubdirectory("gi-import-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    // A PyTorch-format file (torch.save zip with a pickled dict) written by our own generator:
    // PyBridge's pickler, from a network built with another seed.
    private string WritePickle(string name, IDictionary content)
    {
        var path = Path.Combine(_folder, name);
        PyTorchPickler.PickleStateDict(path, content);
        return path;
    }

    [Fact]
    public void BasicUNetStateDictLoadsByMonaiNamesAndReproducesTheStoredOutput()
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        using var source = new BasicUNet(3, 2, Tiny);
        source.eval();
        var input = randn(2, 3, 32, 32);
        var stored = source.forward(input).detach().clone();
        var file = WritePickle("unet.pt", new Hashtable(source.state_dict().ToDictionary(p => p.Key, p => (object)p.Value)));

        manual_seed(2);
        using var target = new BasicUNet(3, 2, Tiny);
        target.eval();
        Assert.False(target.forward(input).Equals(stored));
        var count = PyTorchStateDict.LoadInto(target, PyTorchStateDict.Read(file), file);
        Assert.Equal(source.state_dict().Count, count);
        Assert.True(target.forward(input).Equals(stored), "outputs must match bit for bit");
    }

    [Fact]
    public void TeacherLoadsFromACheckpointDictWithAPrefixAndFromSafetensors()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        using var source = new TeacherNet(3, Tiny, inputSize: 32, textDim: 5, featureSize: 8, heads: 4);
        source.eval();
        var image = randn(1, 3, 32, 32);
        var text = randn(1, 4, 5);
        var stored = source.forward(image, text).detach().clone();

        // a released-style checkpoint: weights under "state_dict", prefixed "module."
        var weights = new Hashtable(source.state_dict().ToDictionary(p => "module." + p.Key, p => (object)p.Value));
        var checkpoint = WritePickle("teacher.pth", new Hashtable { ["state_dict"] = weights });
        var safetensors = Path.Combine(_folder, "teacher.safetensors");
        Safetensors.SaveStateDict(safetensors, source.state_dict());

        foreach (var (file, prefix) in new[] { (checkpoint, "module."), (safetensors, "") })
        {
            manual_seed(4);
            using var target = new TeacherNet(3, Tiny, inputSize: 32, textDim: 5, featureSize: 8, heads: 4);
            target.eval();
            PyTorchStateDict.LoadInto(target, PyTorchStateDict.Read(file, prefix), file);
            Assert.True(target.forward(image, text).Equals(stored), file);
        }
    }

    [Fact]
    public void MismatchesAreListedInOneLine()
    {
        using var scope = NewDisposeScope();
        using var small = new BasicUNet(3, 2, Tiny);
        var weights = small.state_dict().ToDictionary(p => p.Key, p => p.Value);
        weights.Remove("final_conv.bias");
        weights["extra.weight"] = zeros(1);
        using var wider = new BasicUNet(3, 2, [8, 8, 16, 32, 128, 8]);
        var error = Assert.Throws<InvalidInputException>(() => PyTorchStateDict.LoadInto(wider, weights, "w.pt"));
        Assert.StartsWith("w.pt: ", error.Message);
        Assert.Contains("missing final_conv.bias", error.Message);
        Assert.Contains("unexpected extra.weight", error.Message);
        Assert.Contains("shape: down_4.convs.conv_0.conv.weight has shape [64, 32, 3, 3], the network expects [128, 32, 3, 3]", error.Message);
        Assert.DoesNotContain('\n', error.Message);

        var garbage = Path.Combine(_folder, "garbage.pt");
        File.WriteAllText(garbage, "not a zip");
        Assert.StartsWith(garbage + ": not a readable PyTorch state dict", Assert.Throws<InvalidInputException>(() => PyTorchStateDict.Read(garbage)).Message);
    }
}
