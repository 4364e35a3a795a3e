namespace GazeInsight.Torch.Training;

/// <summary>Which checkpoint of a cell: the best on validation, or the last one (which also resumes training).</summary>
public enum CheckpointKind
{
    /// <summary>Best validation score of the selection output (evaluation.select_by / select_output).</summary>
    Best,
    /// <summary>The end of training (with optimiser state, so an interrupted run resumes exactly).</summary>
    Last,
}
