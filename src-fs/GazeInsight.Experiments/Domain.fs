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
      DescriptionCorruption: float }

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

/// Where DARM finds disagreement (method.md §6).
type DarmRegionSpec =
    /// Where the two gaze masks differ (released code).
    | GazeDisagreement
    /// Where teacher and student predictions differ (paper).
    | PredictionDisagreement

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
      AttentionHeads: int
      LearnableFusionWeight: bool
      /// Partial cross-entropy (paper) instead of BCE (released code).
      PartialCe: bool
      /// Effective AFC weight (0 = "without AFC").
      AfcWeight: float
      Cwc: CwcSpec
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

/// The supervision and model family. A new method kind is one case here, one reader in
/// SpecToml.methodKinds, one writer in Canonical and one mapping in the runner's executor.
type MethodSpec =
    /// Fully supervised BasicUNet on the true masks (the upper bound).
    | Full
    /// BasicUNet supervised by one gaze level: soft map >= threshold.
    | GazeSingle of threshold: float
    /// GazeMedSeg multi-level gaze supervision.
    | GazeMedSegMethod of GazeMedSegSpec
    /// From Gaze to Insight: text-aware teacher and image-only student.
    | FgiMethod of FgiSpec

/// The outputs a method predicts with (the table's "variant:output" rows) and its headline one.
module MethodOutputs =
    let all (m: MethodSpec) =
        match m with
        | FgiMethod _ -> [ "teacher"; "student"; "average" ]
        | Full
        | GazeSingle _
        | GazeMedSegMethod _ -> [ "model" ]

    /// The output that picks the best checkpoint unless `evaluation.select_output` says
    /// otherwise: FGI's image-only student (the network FGI deploys: it needs no text at test
    /// time, and it is the row the tables lead with); "model" for the single-output methods.
    let headline (m: MethodSpec) =
        match m with
        | FgiMethod _ -> "student"
        | Full
        | GazeSingle _
        | GazeMedSegMethod _ -> "model"

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

type TrainSpec =
    { Iterations: int
      BatchSize: int
      /// Validate every this many iterations (and at the end).
      EvalEvery: int
      /// Random vertical and horizontal flips.
      Flips: bool }

type EvaluationSpec =
    { /// Validation metric that picks the "best" checkpoint.
      SelectBy: string
      /// The output whose validation metric picks it (one of MethodOutputs.all; default
      /// MethodOutputs.headline).
      SelectOutput: string }

/// Everything that defines what one cell computes; its canonical text is the cell's identity.
type CellConfig =
    { Data: DataSpec
      Model: ModelSpec
      Method: MethodSpec
      Optimizer: OptimizerSpec
      Train: TrainSpec
      Evaluation: EvaluationSpec
      Seed: int }

/// How a cell runs, not what it computes: not part of its identity.
type RuntimeSpec =
    { /// "auto", "cpu", "cuda" or "cuda:N".
      Device: string }

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

type Significance =
    { Baseline: string
      Test: SignificanceTest
      Over: PairedOver }

/// A table declared in the spec.
type TableSpec =
    { Name: string
      Caption: string
      /// Rows, in order: a variant name, or "variant:output" to show another output of that
      /// variant (e.g. "FGI:student"); None = every variant.
      Rows: string list option
      Metrics: string list
      /// Model output: "model", "teacher", "student", "average".
      Output: string
      Checkpoint: Checkpoint
      Significance: Significance option }

module TableRow =
    /// A table row reference "variant" or "variant:output" split into its variant and output
    /// (the table's output where the row names none).
    let reference (tableOutput: string) (row: string) =
        match row.LastIndexOf ':' with
        | i when i > 0 -> row.Substring(0, i), row.Substring(i + 1)
        | _ -> row, tableOutput

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

/// Metric names, and which direction is better.
module Metrics =
    let known = [ "dice"; "iou"; "hd95"; "asd" ]

    let higherIsBetter (m: string) = m <> "hd95" && m <> "asd"
