using GazeInsight.Torch.Methods;
using GazeInsight.Torch.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using OptimizerOptions = GazeInsight.Torch.Training.OptimizerOptions;

namespace GazeInsight.Torch.Tests.Training;

/// <summary>
/// A resumed optimiser's state lives where its parameters live (what NetworkFiles.Load relies on
/// when a cell resumes on CUDA). The resumed network's parameters sit on the meta device, which
/// stands in for CUDA on a CPU-only machine. Older TorchSharp releases read a momentum buffer the
/// fresh optimiser had not made yet into a new CPU tensor; 0.107 reads it onto the parameter's
/// device, so no move of our own is needed, and this test fails if an upgrade brings the old
/// behaviour back.
/// </summary>
public sealed class OptimizerStateDeviceTests : IDisposable
{
    private readonly string _file = Path.Combine(Directory.CreateTempSubdirectory("gi-optim-").FullName, "optimizer.bin");

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(_file)!, recursive: true);

    private static OptimizerOptions Options(OptimizerKind kind) => new()
    {
        Kind = kind, LearningRate = 0.1, MinLearningRate = 0, Momentum = 0.9, Nesterov = true, WeightDecay = 1e-4,
    };

    // one step on the CPU, so that the state exists, then saved
    private void SaveSteppedState(OptimizerKind kind)
    {
        manual_seed(1);
        using var net = nn.Linear(4, 2);
        using var optimizer = OptimizerFactory.Create(net.parameters(), Options(kind));
        net.forward(randn(3, 4)).square().sum().backward();
        optimizer.step();
        optimizer.save_state_dict(_file);
    }

    private static IEnumerable<Tensor> StateTensors(OptimizerHelper optimizer) =>
        optimizer.state_dict().State.SelectMany(s => s switch
        {
            SGD.State sgd => new[] { sgd.momentum_buffer },
            Adam.State adam => new[] { adam.exp_avg, adam.exp_avg_sq, adam.max_exp_avg_sq },
            _ => throw new InvalidOperationException(s.GetType().Name),
        }).Where(t => t is not null);

    [Theory]
    [InlineData(OptimizerKind.Sgd)]
    [InlineData(OptimizerKind.Adam)]
    public void ResumedStateIsOnTheParametersDevice(OptimizerKind kind)
    {
        SaveSteppedState(kind);
        var meta = new Device(DeviceType.META);
        using var resumed = nn.Linear(4, 2);
        resumed.to(meta);
        using var optimizer = OptimizerFactory.Create(resumed.parameters(), Options(kind));
        optimizer.load_state_dict(_file);

        var states = StateTensors(optimizer).ToList();
        Assert.NotEmpty(states);
        Assert.All(states, t => Assert.Equal(DeviceType.META, t.device_type));
    }
}
