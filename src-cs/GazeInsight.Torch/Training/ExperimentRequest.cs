namespace GazeInsight.Torch.Training;

/// <summary>
/// Everything one experiment cell needs to train and evaluate, as plain .NET values: the F#
/// runner resolves a TOML spec into this record and hands it over (no tensors cross over).
/// Every member is required and none has a default: defaults and validation live in the TOML
/// layer only (src-fs/GazeInsight.Experiments/CellToml.fs), and a round-trip test checks that
/// every key of a cell's canonical config reaches this record (docs/architecture.md).
/// </summary>
public sealed record ExperimentRequest
{
    /// <summary>Data set root (layout of method.md §8, or the synthetic set's generic layout).</summary>
    public required string DataRoot { get; init; }
    /// <summary>Layout name understood by the data readers: "generic", "kvasir", ...</summary>
    public required string Layout { get; init; }
    /// <summary>Square training input size in pixels (224 in the paper).</summary>
    public required int ImageSize { get; init; }
    /// <summary>Fraction of training ids held out for model selection.</summary>
    public required double ValidationFraction { get; init; }
    /// <summary>Which gaze soft-map folder under gaze/ the pseudo-masks come from.</summary>
    public required string GazeMap { get; init; }

    public required MethodOptions Method { get; init; }
    /// <summary>BasicUNet features tuple (six numbers, MONAI's convention); FGI's student.</summary>
    public required int[] Features { get; init; }
    /// <summary>Channels of the feature map before the head (128 in the paper; smaller for CPU-sized runs).</summary>
    public required int FeatureSize { get; init; }

    public required OptimizerOptions Optimizer { get; init; }
    public required int Iterations { get; init; }
    public required int BatchSize { get; init; }
    /// <summary>Validate every this many iterations (and at the end).</summary>
    public required int EvalEvery { get; init; }
    /// <summary>Random vertical and horizontal flips.</summary>
    public required bool RandomFlips { get; init; }
    /// <summary>Number format and memory layout of the training steps (train.precision, train.channels_last).</summary>
    public required ComputeOptions Compute { get; init; }

    /// <summary>Validation metric that picks the "best" checkpoint.</summary>
    public required SelectionMetric SelectBy { get; init; }
    /// <summary>Output whose validation metric picks the "best" checkpoint; one of the method's outputs (MethodFactory.Outputs).</summary>
    public required Methods.MethodOutput SelectOutput { get; init; }

    public required int Seed { get; init; }
    /// <summary>"auto", "cpu", "cuda" or "cuda:N" (how the cell runs, not part of its identity).</summary>
    public required string Device { get; init; }
    /// <summary>Folder for checkpoints, logs and TensorBoard events of this cell.</summary>
    public required string OutputDir { get; init; }
}

/// <summary>The supervision and model family a cell trains.</summary>
public abstract record MethodOptions
{
    private protected MethodOptions() { }
}

/// <summary>Fully supervised BasicUNet on the true masks: the upper bound of every table.</summary>
public sealed record FullySupervised : MethodOptions;

/// <summary>BasicUNet supervised by one binarised gaze level (soft map >= threshold).</summary>
public sealed record GazeSingleLevel(double Threshold) : MethodOptions;

public enum OptimizerKind { Sgd, Adam }

public sealed record OptimizerOptions
{
    public required OptimizerKind Kind { get; init; }
    public required double LearningRate { get; init; }
    /// <summary>End of the per-epoch half-cosine decay.</summary>
    public required double MinLearningRate { get; init; }
    /// <summary>SGD momentum (Adam ignores it).</summary>
    public required double Momentum { get; init; }
    /// <summary>Nesterov momentum for SGD (Adam ignores it).</summary>
    public required bool Nesterov { get; init; }
    public required double WeightDecay { get; init; }
}
