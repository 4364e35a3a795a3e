namespace GazeInsight.Torch.Training;

/// <summary>The loss became NaN or infinite; the run stops and keeps its last good checkpoint.</summary>
public sealed class TrainingDivergedException(string message) : Exception(message);
