using GazeInsight.Imaging;
using GazeInsight.Imaging.Data;
using GazeInsight.Text.Embeddings;
using GazeInsight.Torch.Training;
using static TorchSharp.torch;

namespace GazeInsight.Torch.Methods;

/// <summary>
/// The one place that builds the method of a cell, for training, <c>runner predict</c>,
/// <c>runner import-checkpoint</c> and the training-step benchmark alike: the options and widths
/// come from the request (the spec), the input channels and text size from the data
/// (<see cref="DataShape"/>).
/// </summary>
public static class MethodFactory
{
    public static ISegmentationMethod Create(ExperimentRequest request, DataShape data, Device device)
    {
        var shape = new NetworkShape(data.InChannels, request.ImageSize, request.Features, request.FeatureSize, data.TextDim);
        return request.Method switch
        {
            FullySupervised => new SupervisedMethod(shape, request.Optimizer, request.Compute, device, gazeThreshold: null),
            GazeSingleLevel g => new SupervisedMethod(shape, request.Optimizer, request.Compute, device, g.Threshold),
            Fgi f => new FgiMethod(shape, f, request.Optimizer, request.Compute, device, request.Seed),
            GazeMedSeg g => new GazeMedSegMethod(shape, g, request.Optimizer, request.Compute, device),
            _ => throw new ArgumentException($"no trainer for method {request.Method.GetType().Name}"),
        };
    }

    /// <summary>The outputs the method predicts with, in the order it reports them.</summary>
    public static IReadOnlyList<MethodOutput> Outputs(MethodOptions method) => method switch
    {
        Fgi => FgiMethod.Produces,
        GazeMedSeg => GazeMedSegMethod.Produces,
        FullySupervised or GazeSingleLevel => SupervisedMethod.Produces,
        _ => throw new ArgumentException($"no trainer for method {method.GetType().Name}"),
    };

    /// <summary>Whether the method trains on gaze maps (so every training id must have one).</summary>
    public static bool ReadsGaze(MethodOptions method) => method is not FullySupervised;

    /// <summary>Whether the method reads text embeddings (so every id, test ones included, needs embeddings/&lt;id&gt;.npy).</summary>
    public static bool ReadsText(MethodOptions method) => method is Fgi { TextFusion: true };

    /// <summary>
    /// The data shape of a data set for <paramref name="method"/>: channels from the modality; D
    /// from the first of <paramref name="ids"/>'s embedding files when the method reads text
    /// (the preflight checks that every id shares it).
    /// </summary>
    /// <exception cref="InvalidInputException">the method reads text and there is no id or its embedding file is unusable.</exception>
    public static DataShape ShapeOf(SegmentationDataset dataset, IReadOnlyList<string> ids, MethodOptions method)
    {
        var channels = dataset.Modality == Modality.Mri ? 1 : 3;
        if (!ReadsText(method)) return new DataShape(channels, null);
        if (ids.Count == 0)
            throw new InvalidInputException(dataset.Root, null, "no ids to read the text embedding size from");
        return new DataShape(channels, new EmbeddingStore(dataset.Root).Load(ids[0]).Dimension);
    }

    /// <summary>
    /// The shape to rebuild a trained cell's networks with for predicting on
    /// <paramref name="dataset"/>: the one recorded at training (<paramref name="trained"/>; null
    /// for cells trained before it was recorded, then the data's), which the data must match.
    /// </summary>
    /// <exception cref="InvalidInputException">the data's channels or text size differ from the training data's.</exception>
    public static DataShape ShapeForPrediction(DataShape? trained, SegmentationDataset dataset, IReadOnlyList<string> ids, MethodOptions method)
    {
        var data = ShapeOf(dataset, ids, method);
        if (trained is null) return data;
        if (trained.InChannels != data.InChannels)
            throw new InvalidInputException(dataset.Root, "layout",
                $"{dataset.Layout.Name} images have {data.InChannels} channel(s), but the cell was trained on {trained.InChannels}-channel images");
        if (trained.TextDim != data.TextDim)
            throw new InvalidInputException(dataset.EmbeddingPath(ids[0]), "shape",
                $"text embeddings of size D = {data.TextDim}, but the cell was trained on D = {trained.TextDim}");
        return trained;
    }
}
