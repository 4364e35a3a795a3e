namespace GazeInsight.Experiments

/// Where a cell's images come from.
type DataSource =
    /// A data set on disk: root folder (absolute once resolved) and the layout its readers expect.
    | Folder of root: string * layout: string
    /// The built-in generator (method.md-like lesions, gaze, descriptions), cached on first use.
    | Synthetic of SyntheticData

/// Options of the built-in synthetic generator; the cache key is derived from them.
and SyntheticData =
    { Train: int
      Test: int
      Size: int
      Seed: int
      /// Look-alike distractor objects per image.
      Distractors: int
      /// Gaze jitter std as a fraction of the image side.
      GazeNoise: float
      /// Fraction of fixations that dwell off the lesion.
      GazeOffTarget: float
      MinFixations: int
      MaxFixations: int
      /// Heatmap Gaussian sigma in 768-canvas pixels.
      HeatmapSigma: float
      /// Probability that a description field is wrong (a VLM's mistakes).
      DescriptionCorruption: float
      /// Twins of the lesion per image that only the description rules out.
      Decoys: int
      /// Chance per fixation of one more fixation dwelling on a decoy.
      DecoyDwell: float
      /// Boundary-sweep overshoot past the lesion's edge, in lesion radii.
      GazeSpill: float

      /// "rgb" (photograph-like lesions) or "mri" (one-channel MRI-like slices).
      Modality: string }

type DataSpec =
    { Source: DataSource
      /// Square training input size in pixels.
      ImageSize: int
      /// Fraction of training ids held out for picking the best checkpoint.
      ValidationFraction: float
      /// Gaze soft-map folder under gaze/ ("heatmap", "crf_compat1", ...).
      GazeMap: string }

type ModelSpec =
    { /// BasicUNet features, six numbers (MONAI's convention).
      Features: int list
      /// Channels of the feature map before the head (128 in the paper).
      FeatureSize: int }

/// Confidence-weighted consistency between teacher and student (method.md §5).
type CwcSpec =
    | CwcOff
    /// Each network learns from the other's CutMixed logits (released code).
    | CwcBidirectional
    /// Only the student learns from the teacher (paper).
    | CwcTeacherToStudent

/// How CWC reads a network's two-channel logits as probabilities.
type CwcProbabilitySpec =
    /// As the supervised BCE does: sigmoid of channel 1 (the softmax of [0, z1]).
    | SigmoidProbability
    /// The released code's softmax over both channels (z0, z1); z0 is not supervised.
    | Softmax2Probability

/// Where DARM finds disagreement (method.md §6).
type DarmRegionSpec =
    /// Where the two gaze masks differ (released code).
    | GazeDisagreement
    /// Where teacher and student predictions differ (paper).
    | PredictionDisagreement

/// How the fused text term is added at each scale.
type FusionWeightSpec =
    /// Plain residual add (released code).
    | FixedFusion
    /// One learnable scalar per scale, initialised to 1.
    | LearnableFusion

/// The supervised loss of both FGI networks.
type SupervisedLossSpec =
    /// BCE over all pixels (released code).
    | BceLoss
    /// Partial cross-entropy: the band between the two gaze masks is ignored (paper).
    | PartialCeLoss

type DarmSpec =
    | DarmOff
    | DarmOn of region: DarmRegionSpec * ratio: float * minPatch: int * maxPatch: int * fill: float

/// The FGI teacher–student method and its ablations as data (method.md §4–§6).
type FgiSpec =
    { /// Gaze threshold of the teacher's high-confidence mask.
      HighThreshold: float
      /// Gaze threshold of the student's broad mask.
      LowThreshold: float
      /// Teacher BasicUNet features; the student uses model.features.
      TeacherFeatures: int list
      /// Text fusion in the teacher ("without text" when false).
      Text: bool
      /// Cross-attention heads; divide the teacher's widths x1..x4.
      AttentionHeads: int
      FusionWeight: FusionWeightSpec
      SupervisedLoss: SupervisedLossSpec
      /// Effective AFC weight (0 = "without AFC").
      AfcWeight: float
      Cwc: CwcSpec
      CwcProbability: CwcProbabilitySpec
      CwcWeight: float
      TauPositive: float
      TauNegative: float
      CutMixNoise: float
      Darm: DarmSpec
      /// Ramp-up length of the consistency and alignment weights, in iterations.
      RampUp: int }

/// GazeMedSeg's multi-level baseline.
type GazeMedSegSpec =
    { Thresholds: float list
      ConsistencyWeight: float
      RampUp: int }

/// The supervision and model family. A new method kind touches the places docs/architecture.md
/// lists (the compiler's exhaustiveness warnings, errors here, lead from this union to each).
type MethodSpec =
    /// Fully supervised BasicUNet on the true masks (the upper bound).
    | Full
    /// BasicUNet supervised by one gaze level: soft map >= threshold.
    | GazeSingle of threshold: float
    /// GazeMedSeg multi-level gaze supervision.
    | GazeMedSegMethod of GazeMedSegSpec
    /// From Gaze to Insight: text-aware teacher and image-only student.
    | FgiMethod of FgiSpec

/// A model output: what a table row, cases.csv and `runner predict --output` name. The C# side's
/// Methods.MethodOutput enum is checked against this union by a test (MappingTests).
[<RequireQualifiedAccess>]
type Output =
    /// The one network of a single-network method (full, gaze, GazeMedSeg's level average).
    | Model
    | Teacher
    | Student
    /// Mean of FGI's teacher and student logits.
    | Average

    member o.Name =
        match o with
        | Model -> "model"
        | Teacher -> "teacher"
        | Student -> "student"
        | Average -> "average"

    static member All = [ Model; Teacher; Student; Average ]
    static member TryParse(name: string) = Output.All |> List.tryFind (fun o -> o.Name = name)

/// The outputs a method predicts with (the table's "variant:output" rows) and its headline one.
module MethodOutputs =
    let all (m: MethodSpec) =
        match m with
        | FgiMethod _ -> [ Output.Teacher; Output.Student; Output.Average ]
        | Full
        | GazeSingle _
        | GazeMedSegMethod _ -> [ Output.Model ]

    /// The output that picks the best checkpoint unless `evaluation.select_output` says
    /// otherwise: FGI's image-only student (the network FGI deploys: it needs no text at test
    /// time, and it is the row the tables lead with); "model" for the single-output methods.
    let headline (m: MethodSpec) =
        match m with
        | FgiMethod _ -> Output.Student
        | Full
        | GazeSingle _
        | GazeMedSegMethod _ -> Output.Model

/// A per-case metric: a column of cases.csv and of a table. The names are the C# side's
/// Metrics.CaseMetrics.Names (checked by a test); distances are in pixels (or the spacing's unit).
[<RequireQualifiedAccess>]
type Metric =
    | Dice
    | IoU
    | Hd
    | Hd95
    | Asd
    | Assd
    | Masd

    member m.Name =
        match m with
        | Dice -> "dice"
        | IoU -> "iou"
        | Hd -> "hd"
        | Hd95 -> "hd95"
        | Asd -> "asd"
        | Assd -> "assd"
        | Masd -> "masd"

    /// Overlaps are better high, distances low.
    member m.HigherIsBetter =
        match m with
        | Dice
        | IoU -> true
        | Hd
        | Hd95
        | Asd
        | Assd
        | Masd -> false

    /// In cases.csv's column order.
    static member All = [ Dice; IoU; Hd; Hd95; Asd; Assd; Masd ]
    static member TryParse(name: string) = Metric.All |> List.tryFind (fun m -> m.Name = name)

/// The validation metric that picks the "best" checkpoint.
[<RequireQualifiedAccess>]
type SelectionMetric =
    | Dice
    | IoU

    member m.Name =
        match m with
        | Dice -> "dice"
        | IoU -> "iou"

type OptimizerKind =
    | Sgd
    | Adam

type OptimizerSpec =
    { Kind: OptimizerKind
      LearningRate: float
      /// End of the half-cosine decay.
      MinLearningRate: float
      Momentum: float
      Nesterov: bool
      WeightDecay: float }

/// Number format of a training step's forward and backward passes.
type PrecisionSpec =
    /// fp32 throughout (TF32 matmuls and convolutions on CUDA).
    | Fp32
    /// bf16 passes with fp32 master weights and fp32 losses (docs/method-notes.md).
    | Bf16

type TrainSpec =
    { Iterations: int
      BatchSize: int
      /// Validate every this many iterations (and at the end).
      EvalEvery: int
      /// Random vertical and horizontal flips.
      Flips: bool
      Precision: PrecisionSpec
      /// Inputs and convolution weights stored channels-last (NHWC); the same values.
      ChannelsLast: bool }

type EvaluationSpec =
    { /// Validation metric that picks the "best" checkpoint.
      SelectBy: SelectionMetric
      /// The output whose validation metric picks it (one of MethodOutputs.all; default
      /// MethodOutputs.headline).
      SelectOutput: Output }

/// Everything that defines what one cell computes; its canonical text is the cell's identity.
type CellConfig =
    { Data: DataSpec
      Model: ModelSpec
      Method: MethodSpec
      Optimizer: OptimizerSpec
      Train: TrainSpec
      Evaluation: EvaluationSpec
      Seed: int }

/// What a Slurm array task asks for (`[runtime.slurm]`); None leaves it to the cluster's default.
type SlurmSpec =
    { Partition: string option
      Account: string option
      /// Slurm's time format: "MM", "HH:MM:SS", "D-HH:MM:SS", ...
      Time: string option
      /// cpus-per-task.
      Cpus: int option
      /// memory per task, e.g. "16G".
      Mem: string option
      /// GPUs per task (--gres=gpu:N).
      Gpus: int option
      /// At most this many tasks of the array at once (`%K`).
      MaxParallel: int option
      /// Further `#SBATCH` options, one each, e.g. "--constraint=a100".
      Extra: string list
      /// Shell lines run before the cell (module load, environment).
      Setup: string list
      /// Seconds before the time limit at which the task gets SIGTERM (checkpoint and stop).
      SignalSeconds: int
      /// Whether Slurm may requeue a preempted task (it resumes from its checkpoint).
      Requeue: bool }

    static member Defaults =
        { Partition = None
          Account = None
          Time = None
          Cpus = None
          Mem = None
          Gpus = None
          MaxParallel = None
          Extra = []
          Setup = []
          SignalSeconds = 60
          Requeue = true }

/// Where a sweep's cells run: child processes here, or one Slurm job array.
type ExecutorKind =
    | RunLocally
    | RunOnSlurm

/// How a cell runs, not what it computes: not part of its identity.
type RuntimeSpec =
    { /// "auto", "cpu", "cuda" or "cuda:N".
      Device: string
      /// libtorch intra-op threads of each cell process; None leaves libtorch's default.
      Threads: int option
      Executor: ExecutorKind
      Slurm: SlurmSpec }

/// A named set of overrides of the base spec (an ablation row).
type Variant =
    { Name: string
      Description: string
      /// The variant's table of overrides, merged over the base.
      Overrides: Toml.Node
      /// Where it was declared (None for the implicit "base" variant).
      Pos: Toml.Pos option }

/// One cartesian axis of a sensitivity study: a dotted key and its values.
type Axis =
    { Path: string list
      Values: Toml.Node list }

    member a.Key = System.String.Join(".", a.Path)

type Checkpoint =
    | Best
    | Last

    member c.Name =
        match c with
        | Best -> "best"
        | Last -> "last"

    static member All = [ Best; Last ]
    static member TryParse(name: string) = Checkpoint.All |> List.tryFind (fun c -> c.Name = name)

type SignificanceTest =
    /// Wilcoxon signed-rank (normal approximation with tie correction), two-sided.
    | Wilcoxon
    /// Paired Student t-test, two-sided.
    | PairedT

type PairedOver =
    /// Per-case values (averaged over seeds per case), paired by case id.
    | Cases
    /// Per-seed means, paired by seed.
    | Seeds

/// A table row as written: a variant, or "variant:output" to show another output of that
/// variant (e.g. "FGI:student").
type RowRef =
    { Variant: string
      /// None: the table's output.
      Output: Output option }

    /// The output shown for a table whose output is `tableOutput`.
    member r.OutputIn(tableOutput: Output) = defaultArg r.Output tableOutput

    override r.ToString() =
        match r.Output with
        | Some o -> r.Variant + ":" + o.Name
        | None -> r.Variant

type Significance =
    { Baseline: RowRef
      Test: SignificanceTest
      Over: PairedOver }

/// A table declared in the spec.
type TableSpec =
    { Name: string
      Caption: string
      /// Rows, in order; None = every variant.
      Rows: RowRef list option
      Metrics: Metric list
      Output: Output
      Checkpoint: Checkpoint
      Significance: Significance option }

/// One point of the grid.
type Cell =
    { Id: string
      Variant: string
      /// Axis key and the value's canonical text, in axis order.
      Assignment: (string * string) list
      Seed: int
      Config: CellConfig
      /// The canonical resolved config (what the id hashes).
      Canonical: string }

    /// Row key for tables: the variant plus the axis assignment.
    member c.Row =
        match c.Assignment with
        | [] -> c.Variant
        | a -> c.Variant + " (" + System.String.Join(", ", a |> List.map (fun (k, v) -> $"{k}={v}")) + ")"

/// A whole experiment after composition and validation.
type ExperimentSpec =
    { Name: string
      Description: string
      /// The top-level file (absolute).
      File: string
      Seeds: int list
      /// Always at least one (an experiment without [[variant]] has one called "base").
      Variants: Variant list
      Axes: Axis list
      Tables: TableSpec list
      Runtime: RuntimeSpec
      /// Every cell: seeds x variants x axis values, in that nesting order (seed innermost).
      Cells: Cell list
      /// The composed base document (extends and --set applied, variants/grid/tables removed).
      Base: Toml.Node }

