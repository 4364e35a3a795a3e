namespace GazeInsight.Experiments

/// Supervision a cell trains with (first version; the method issue extends it).
type Supervision =
    | Full
    | Gaze
