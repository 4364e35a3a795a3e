namespace GazeInsight.Torch.Methods;

/// <summary>
/// What a method's networks take from the data rather than from the spec: the image channels
/// (the data set's modality: RGB 3, MRI 1) and the size D of the text token embeddings (384
/// MiniLM, 768 RoBERTa, ...; null when the method reads no text). Training derives it from the
/// data and stores it with the checkpoints, so that predicting from a cell builds the same
/// networks (<see cref="MethodFactory.ShapeOf"/>, Training.CheckpointStore).
/// </summary>
public sealed record DataShape(int InChannels, int? TextDim);
