using GazeInsight.Torch.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using OptimizerOptions = GazeInsight.Torch.Training.OptimizerOptions;

namespace GazeInsight.Torch.Methods;

/// <summary>Builds the configured optimiser for a set of parameters.</summary>
public static class OptimizerFactory
{
    public static OptimizerHelper Create(IEnumerable<Parameter> parameters, OptimizerOptions options) => options.Kind switch
    {
        OptimizerKind.Sgd => optim.SGD(parameters, options.LearningRate, momentum: options.Momentum,
            weight_decay: options.WeightDecay, nesterov: options.Nesterov),
        OptimizerKind.Adam => optim.Adam(parameters, options.LearningRate, weight_decay: options.WeightDecay),
        _ => throw new ArgumentOutOfRangeException(nameof(options), options.Kind, "unknown optimiser"),
    };

    public static void SetLearningRate(OptimizerHelper optimizer, double learningRate)
    {
        foreach (var group in optimizer.ParamGroups) group.LearningRate = learningRate;
    }
}
