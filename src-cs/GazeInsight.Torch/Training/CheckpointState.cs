namespace GazeInsight.Torch.Training;

/// <summary>
/// Bookkeeping saved with a checkpoint: the next iteration to run, the best validation score so
/// far and where it was reached, and the training curve up to here.
/// </summary>
public sealed record CheckpointState(int NextIteration, double BestScore, int BestIteration, IReadOnlyList<CurvePoint> Curve, double TrainSeconds);
