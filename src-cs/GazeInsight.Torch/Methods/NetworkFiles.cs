using TorchSharp;
using TorchSharp.Modules;

namespace GazeInsight.Torch.Methods;

/// <summary>
/// How a method stores one network in a checkpoint folder: weights as "&lt;name&gt;.bin" and, when
/// resuming matters, its optimiser state as "&lt;name&gt;-optimizer.bin" (a single network is "model").
/// </summary>
internal static class NetworkFiles
{
    public static void Save(string folder, string name, torch.nn.Module network, OptimizerHelper optimizer, bool withOptimizer)
    {
        network.save(Path.Combine(folder, name + ".bin"));
        if (withOptimizer) optimizer.save_state_dict(Path.Combine(folder, name + "-optimizer.bin"));
    }

    public static void Load(string folder, string name, torch.nn.Module network, OptimizerHelper optimizer, bool withOptimizer)
    {
        network.load(Path.Combine(folder, name + ".bin"));
        if (withOptimizer) optimizer.load_state_dict(Path.Combine(folder, name + "-optimizer.bin"));
    }
}
