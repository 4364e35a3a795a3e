using GazeInsight.Metrics;
using GazeInsight.Torch.Methods;

namespace GazeInsight.Torch.Training;

/// <summary>
/// One validation point of the training curve: ValidationDice is the selection output's;
/// ValidationByOutput holds every output's validation Dice (null in states saved before it existed).
/// </summary>
public sealed record CurvePoint(int Iteration, double Loss, double LearningRate, double ValidationDice)
{
    public IReadOnlyDictionary<MethodOutput, double>? ValidationByOutput { get; init; }
}

/// <summary>
/// What a finished cell reports: per-case test metrics for each (output, checkpoint) pair, e.g.
/// (Model, Last), (Model, Best); the training curve; timings.
/// </summary>
public sealed record ExperimentReport
{
    public required IReadOnlyList<EvaluationResult> Evaluations { get; init; }
    public required IReadOnlyList<CurvePoint> Curve { get; init; }
    public int BestIteration { get; init; }
    /// <summary>The output whose validation Dice picked the "best" checkpoint.</summary>
    public required MethodOutput SelectOutput { get; init; }
    public double TrainSeconds { get; init; }
    public double ImagesPerSecond { get; init; }
    public required string Device { get; init; }
}

/// <summary>Per-case test metrics (Dice, IoU, HD, HD95, ASD, ASSD, MASD per image, in pixels) of one method output at one checkpoint.</summary>
public sealed record EvaluationResult(MethodOutput Output, CheckpointKind Checkpoint, IReadOnlyList<CaseMetrics> Cases);

/// <summary>Progress of a running cell, reported through IProgress.</summary>
public sealed record TrainingProgress(int Iteration, int Iterations, double Loss, double? ValidationDice);
