using GazeInsight.Torch.Training;
using static TorchSharp.torch;

namespace GazeInsight.Torch.Methods;

/// <summary>Maps a request's method options to the method that trains it.</summary>
public static class MethodFactory
{
    public static ISegmentationMethod Create(MethodOptions method, int inChannels, ExperimentRequest request, Device device) => method switch
    {
        FullySupervised => new SupervisedMethod(inChannels, request.Features, request.FeatureSize, request.Optimizer, device, gazeThreshold: null),
        GazeSingleLevel g => new SupervisedMethod(inChannels, request.Features, request.FeatureSize, request.Optimizer, device, g.Threshold),
        Fgi f => new FgiMethod(inChannels, request.Features, request.ImageSize, f, request.Optimizer, device, request.Seed),
        GazeMedSeg g => new GazeMedSegMethod(inChannels, request.Features, g, request.Optimizer, device),
        _ => throw new ArgumentException($"no trainer for method {method.GetType().Name}"),
    };

    /// <summary>Whether the method trains on gaze maps (so every sample must have one).</summary>
    public static bool NeedsGaze(MethodOptions method) => method is not FullySupervised;
}
