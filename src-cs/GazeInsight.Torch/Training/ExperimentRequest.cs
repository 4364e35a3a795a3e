namespace GazeInsight.Torch.Training;

/// <summary>
/// Everything one experiment cell needs to train and evaluate, as plain .NET values: the F#
/// runner resolves a TOML spec into this record and hands it over (no tensors cross over).
/// </summary>
public sealed record ExperimentRequest
{
    /// <summary>Data set root (layout of method.md §8, or the synthetic set's generic layout).</summary>
    public required string DataRoot { get; init; }
    /// <summary>Layout name understood by the data readers: "generic", "kvasir", ...</summary>
    public string Layout { get; init; } = "generic";
    /// <summary>Square training input size in pixels (224 in the paper).</summary>
    public int ImageSize { get; init; } = 224;
    /// <summary>Fraction of training ids held out for model selection.</summary>
    public double ValidationFraction { get; init; } = 0.1;
    /// <summary>Which gaze soft-map folder under gaze/ the pseudo-masks come from.</summary>
    public string GazeMap { get; init; } = "heatmap";

    public required MethodOptions Method { get; init; }
    /// <summary>BasicUNet features tuple (six numbers, MONAI's convention).</summary>
    public int[] Features { get; init; } = [32, 32, 64, 128, 256, 32];
    /// <summary>Channels of the feature map before the head (128 in the paper; smaller for CPU-sized runs).</summary>
    public int FeatureSize { get; init; } = 128;

    public OptimizerOptions Optimizer { get; init; } = new();
    public int Iterations { get; init; } = 1000;
    public int BatchSize { get; init; } = 8;
    /// <summary>Validate every this many iterations (and at the end).</summary>
    public int EvalEvery { get; init; } = 100;
    /// <summary>Metric on validation that picks the "best" checkpoint.</summary>
    public string SelectBy { get; init; } = "dice";
    /// <summary>
    /// Output whose validation metric picks the "best" checkpoint (one of the method's Outputs);
    /// null: the method's <see cref="Methods.ISegmentationMethod.HeadlineOutput"/>.
    /// </summary>
    public string? SelectOutput { get; init; }
    public bool RandomFlips { get; init; } = true;
    public int Seed { get; init; }
    /// <summary>"auto", "cpu", "cuda" or "cuda:N".</summary>
    public string Device { get; init; } = "auto";
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
    public OptimizerKind Kind { get; init; } = OptimizerKind.Sgd;
    public double LearningRate { get; init; } = 1e-2;
    /// <summary>End of the per-epoch half-cosine decay.</summary>
    public double MinLearningRate { get; init; } = 1e-4;
    public double Momentum { get; init; } = 0.9;
    public bool Nesterov { get; init; } = true;
    public double WeightDecay { get; init; } = 4e-4;
}
