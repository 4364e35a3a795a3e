namespace GazeInsight.Torch.Methods;

/// <summary>
/// The shape of a method's networks: image channels and text size D from the data
/// (<see cref="DataShape"/>), input size and widths from the spec (data.image_size,
/// model.features, model.feature_size). <see cref="MethodFactory"/> assembles it.
/// </summary>
/// <param name="InChannels">Image channels: 3 for RGB data sets, 1 for MRI.</param>
/// <param name="ImageSize">Square training input size (sizes FGI's positional embeddings).</param>
/// <param name="Features">BasicUNet features (six numbers); FGI's student.</param>
/// <param name="FeatureSize">Channels of the feature map before the head.</param>
/// <param name="TextDim">Size D of the text token embeddings, or null when the method reads no text.</param>
public sealed record NetworkShape(int InChannels, int ImageSize, IReadOnlyList<int> Features, int FeatureSize, int? TextDim);
