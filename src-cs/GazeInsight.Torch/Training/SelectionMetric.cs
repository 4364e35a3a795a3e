namespace GazeInsight.Torch.Training;

/// <summary>The validation metric that picks the "best" checkpoint (evaluation.select_by).</summary>
public enum SelectionMetric
{
    /// <summary>Mean per-image Dice on the validation split.</summary>
    Dice,
    /// <summary>Mean per-image IoU on the validation split.</summary>
    IoU,
}
