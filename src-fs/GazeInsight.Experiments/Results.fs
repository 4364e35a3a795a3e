namespace GazeInsight.Experiments

/// One test case's metrics for one model output and checkpoint. NaN = undefined (e.g. HD95
/// with an empty prediction); aggregates skip NaN and say how many values they used.
type CaseRow =
    { Output: Output
      Checkpoint: Checkpoint
      Case: string
      /// Metric and value, in column order.
      Values: (Metric * float) list }

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
      /// The output whose validation metric picked the best checkpoint (None in results stored
      /// before it was recorded).
      SelectOutput: Output option
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
      /// libtorch intra-op threads of the cell process (None: libtorch's default).
      Threads: int option
      /// Cache for generated data (synthetic set).
      CacheDir: string }
