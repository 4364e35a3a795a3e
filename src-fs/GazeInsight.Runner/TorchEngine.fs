/// The real engine: a resolved cell config becomes the C# ExperimentRequest (plain values
/// only; no tensor crosses into F#), and the C# report becomes the per-case rows we store.
module GazeInsight.Runner.TorchEngine

open System
open GazeInsight.Experiments
open GazeInsight.Imaging.Synthetic
open GazeInsight.Metrics
open GazeInsight.Torch.Backend
open GazeInsight.Torch.Methods
open GazeInsight.Torch.Training

let syntheticOptions (s: SyntheticData) =
    SyntheticOptions(
        ImageSize = s.Size,
        TrainCount = s.Train,
        TestCount = s.Test,
        Seed = int64 s.Seed,
        Distractors = s.Distractors,
        GazeNoise = s.GazeNoise,
        GazeOffTargetFraction = s.GazeOffTarget,
        GazeMinFixations = s.MinFixations,
        GazeMaxFixations = s.MaxFixations,
        HeatmapSigma = s.HeatmapSigma,
        DescriptionCorruption = s.DescriptionCorruption,
        Decoys = s.Decoys,
        DecoyDwell = s.DecoyDwell,
        GazeSpill = s.GazeSpill,
        Modality = (if s.Modality = "mri" then GazeInsight.Imaging.Data.Modality.Mri else GazeInsight.Imaging.Data.Modality.Rgb)
    )

/// Where a cell's data lives: a folder with its layout, or the synthetic set the options generate.
type DataLocation =
    | DataFolder of root: string * layout: string
    | Generated of SyntheticOptions

let dataLocation (cfg: CellConfig) =
    match cfg.Data.Source with
    | Folder(root, layout) -> DataFolder(root, layout)
    | Synthetic s -> Generated(syntheticOptions s)

/// Data root and layout of a location, generating the synthetic set into the cache if needed.
let dataRoot (location: DataLocation) (cacheDir: string) =
    match location with
    | DataFolder(root, layout) -> root, layout
    | Generated options -> SyntheticDataset.Ensure(options, cacheDir, null), options.Layout

let output (o: Output) : MethodOutput =
    match o with
    | Output.Model -> MethodOutput.Model
    | Output.Teacher -> MethodOutput.Teacher
    | Output.Student -> MethodOutput.Student
    | Output.Average -> MethodOutput.Average

/// The F# output of a C# one (total: a test checks that every enum value has its case).
let ofMethodOutput (o: MethodOutput) =
    Output.All |> List.find (fun f -> output f = o)

let checkpointOf (c: CheckpointKind) =
    match c with
    | CheckpointKind.Best -> Best
    | CheckpointKind.Last -> Last
    | other -> invalidArg "c" $"unknown checkpoint kind {other}"

/// The method's options: every key of [method] maps to one member (C# records with required
/// members and no defaults; MappingTests check that no key is lost on the way).
let methodOptions (m: MethodSpec) : MethodOptions =
    match m with
    | Full -> FullySupervised()
    | GazeSingle th -> GazeSingleLevel(th)
    | GazeMedSegMethod g ->
        GazeMedSeg(Thresholds = Array.ofList g.Thresholds, ConsistencyWeight = g.ConsistencyWeight, RampUp = g.RampUp)
    | FgiMethod f ->
        Fgi(
            HighThreshold = f.HighThreshold,
            LowThreshold = f.LowThreshold,
            TeacherFeatures = Array.ofList f.TeacherFeatures,
            TextFusion = f.Text,
            AttentionHeads = f.AttentionHeads,
            FusionWeight =
                (match f.FusionWeight with
                 | FixedFusion -> FusionWeight.Fixed
                 | LearnableFusion -> FusionWeight.Learnable),
            SupervisedLoss =
                (match f.SupervisedLoss with
                 | BceLoss -> SupervisedLoss.Bce
                 | PartialCeLoss -> SupervisedLoss.PartialCe),
            AfcWeight = f.AfcWeight,
            Cwc =
                (match f.Cwc with
                 | CwcOff -> CwcVariant.Off
                 | CwcBidirectional -> CwcVariant.Bidirectional
                 | CwcTeacherToStudent -> CwcVariant.TeacherToStudent),
            CwcProbability =
                (match f.CwcProbability with
                 | SigmoidProbability -> GazeInsight.Torch.Losses.CwcProbability.Sigmoid
                 | Softmax2Probability -> GazeInsight.Torch.Losses.CwcProbability.Softmax2),
            CwcWeight = f.CwcWeight,
            TauPositive = f.TauPositive,
            TauNegative = f.TauNegative,
            CutMixNoise = f.CutMixNoise,
            Darm =
                (match f.Darm with
                 | DarmOff -> GazeInsight.Torch.Training.DarmOff() :> DarmOptions
                 | DarmOn(region, ratio, minPatch, maxPatch, fill) ->
                     DarmMasking(
                         (match region with
                          | GazeDisagreement -> DarmRegion.GazeDisagreement
                          | PredictionDisagreement -> DarmRegion.PredictionDisagreement),
                         ratio,
                         minPatch,
                         maxPatch,
                         fill
                     )),
            RampUp = f.RampUp
        )

/// Whether the cell's method reads text embeddings (embeddings/<id>.npy for every image).
let needsText (cfg: CellConfig) = MethodFactory.ReadsText(methodOptions cfg.Method)

/// Whether the cell's method trains on gaze maps (gaze/<gaze_map>/<id> for every training id).
let needsGaze (cfg: CellConfig) = MethodFactory.ReadsGaze(methodOptions cfg.Method)

/// The trainer's request for a cell whose data is at (root, layout).
let requestAt (cfg: CellConfig) (root: string, layout: string) (device: string) (outputDir: string) : ExperimentRequest =
    let o = cfg.Optimizer

    ExperimentRequest(
        DataRoot = root,
        Layout = layout,
        ImageSize = cfg.Data.ImageSize,
        ValidationFraction = cfg.Data.ValidationFraction,
        GazeMap = cfg.Data.GazeMap,
        Method = methodOptions cfg.Method,
        Features = Array.ofList cfg.Model.Features,
        FeatureSize = cfg.Model.FeatureSize,
        Optimizer =
            OptimizerOptions(
                Kind =
                    (match o.Kind with
                     | Sgd -> OptimizerKind.Sgd
                     | Adam -> OptimizerKind.Adam),
                LearningRate = o.LearningRate,
                MinLearningRate = o.MinLearningRate,
                Momentum = o.Momentum,
                Nesterov = o.Nesterov,
                WeightDecay = o.WeightDecay
            ),
        Iterations = cfg.Train.Iterations,
        BatchSize = cfg.Train.BatchSize,
        EvalEvery = cfg.Train.EvalEvery,
        RandomFlips = cfg.Train.Flips,
        Compute =
            ComputeOptions(
                Precision =
                    (match cfg.Train.Precision with
                     | Fp32 -> Precision.Float32
                     | Bf16 -> Precision.BFloat16),
                ChannelsLast = cfg.Train.ChannelsLast
            ),
        SelectBy =
            (match cfg.Evaluation.SelectBy with
             | GazeInsight.Experiments.SelectionMetric.Dice -> SelectionMetric.Dice
             | GazeInsight.Experiments.SelectionMetric.IoU -> SelectionMetric.IoU),
        SelectOutput = output cfg.Evaluation.SelectOutput,
        Seed = cfg.Seed,
        Device = device,
        OutputDir = outputDir
    )

/// The trainer's request for a cell (a synthetic set is generated into the cache first).
let request (cfg: CellConfig) (runtime: CellRuntime) (outputDir: string) : ExperimentRequest =
    requestAt cfg (dataRoot (dataLocation cfg) runtime.CacheDir) runtime.Device outputDir

/// A case's value of each metric, by name (no reflection: a metric the C# side adds is a
/// compile error here once the F# Metric union has it, and MappingTests compare the two lists).
let metricValue (c: CaseMetrics) (m: Metric) =
    match m with
    | Metric.Dice -> c.Dice
    | Metric.IoU -> c.IoU
    | Metric.Hd -> c.Hd
    | Metric.Hd95 -> c.Hd95
    | Metric.Asd -> c.Asd
    | Metric.Assd -> c.Assd
    | Metric.Masd -> c.Masd

let toResult (report: ExperimentReport) : CellResult =
    { Cases =
        [ for e in report.Evaluations do
              for c in e.Cases do
                  yield
                      { Output = ofMethodOutput e.Output
                        Checkpoint = checkpointOf e.Checkpoint
                        Case = c.Case
                        Values = Metric.All |> List.map (fun m -> m, metricValue c m) } ]
      Curve =
        [ for p in report.Curve ->
              { Iteration = p.Iteration
                Loss = p.Loss
                LearningRate = p.LearningRate
                ValidationDice = p.ValidationDice } ]
      BestIteration = report.BestIteration
      SelectOutput = Some(ofMethodOutput report.SelectOutput)
      TrainSeconds = report.TrainSeconds
      ImagesPerSecond = report.ImagesPerSecond
      Device = report.Device }

let engine: Execution.Engine =
    fun cfg runtime outputDir progress ct ->
        let req = request cfg runtime outputDir
        // the device first: resolving it loads the libtorch the device needs
        TorchBackend.ResolveDevice req.Device |> ignore
        let threads = TorchBackend.IntraOpThreads(Option.toNullable runtime.Threads)
        let requested = if runtime.Threads.IsSome then "runtime.threads" else "libtorch's default"
        Store.appendLog outputDir $"threads={threads} (torch intra-op threads, {requested})"

        let relay =
            { new IProgress<TrainingProgress> with
                member _.Report p =
                    progress.Report
                        { Iteration = p.Iteration
                          Iterations = p.Iterations
                          Loss = p.Loss
                          ValidationDice = Option.ofNullable p.ValidationDice } }

        ExperimentRunner.Run(req, relay, ct) |> toResult
