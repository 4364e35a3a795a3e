namespace GazeInsight.Experiments

/// One test case's metrics for one model output and checkpoint. NaN = undefined (e.g. HD95
/// with an empty prediction); aggregates skip NaN and say how many values they used.
type CaseRow =
    { Output: string
      Checkpoint: string
      Case: string
      /// Metric name (lower case) and value, in column order.
      Values: (string * float) list }

type CurveRow =
    { Iteration: int
      Loss: float
      LearningRate: float
      /// NaN where no validation ran at this point.
      ValidationDice: float }

/// What a finished cell stored.
type CellResult =
    { Cases: CaseRow list
      Curve: CurveRow list
      BestIteration: int
      /// The output whose validation metric picked the best checkpoint ("" in results stored
      /// before it was recorded).
      SelectOutput: string
      TrainSeconds: float
      ImagesPerSecond: float
      Device: string }

/// Progress of a running cell.
type Progress =
    { Iteration: int
      Iterations: int
      Loss: float
      ValidationDice: float option }

/// How a cell runs, not what it computes (the `[runtime]` section of a cell's config.toml).
type CellRuntime =
    { /// Folder of the experiment file: relative data paths resolve against it.
      ExperimentDir: string
      Device: string
      /// Cache for generated data (synthetic set).
      CacheDir: string }
