using static TorchSharp.torch;

namespace GazeInsight.Torch.Training;

/// <summary>
/// A batch at the training size. Images [B, C, S, S] normalised; Masks [B, 1, S, S] true masks
/// 0/1 (only the fully supervised method may train on them); Gaze [B, 1, S, S] soft gaze map in
/// [0,1] or null; Text [B, L, D] text embeddings or null; TextValid [B, L] bool, true for a real
/// token and false for padding (null when Text is null or unpadded). The tensors belong to the
/// caller's scope.
/// </summary>
public sealed record Batch(Tensor Images, Tensor Masks, Tensor? Gaze, Tensor? Text)
{
    public Tensor? TextValid { get; init; }
}
