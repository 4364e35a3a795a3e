/// The real engine: a resolved cell config becomes the C# ExperimentRequest (plain values
/// only; no tensor crosses into F#), and the C# report becomes the per-case rows we store.
module GazeInsight.Runner.TorchEngine

open System
open System.Reflection
open GazeInsight.Experiments
open GazeInsight.Imaging.Synthetic
open GazeInsight.Metrics
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
        DescriptionCorruption = s.DescriptionCorruption
    )

/// Data root and layout of a cell, generating the synthetic set into the cache if needed.
let dataRoot (cfg: CellConfig) (runtime: CellRuntime) =
    match cfg.Data.Source with
    | Folder(root, layout) -> root, layout
    | Synthetic s -> SyntheticDataset.Ensure(syntheticOptions s, runtime.CacheDir, null), "generic"

/// The method's options; featureSize is model.feature_size (FGI and GazeMedSeg carry it in
/// their own options, the single-network methods take it from the request).
let methodOptions (m: MethodSpec) (featureSize: int) : MethodOptions =
    match m with
    | Full -> FullySupervised()
    | GazeSingle th -> GazeSingleLevel(th)
    | GazeMedSegMethod g ->
        GazeMedSeg(Array.ofList g.Thresholds, ConsistencyWeight = g.ConsistencyWeight, RampUp = g.RampUp, FeatureSize = featureSize)
    | FgiMethod f ->
        Fgi(
            HighThreshold = f.HighThreshold,
            LowThreshold = f.LowThreshold,
            TeacherFeatures = Array.ofList f.TeacherFeatures,
            FeatureSize = featureSize,
            TextFusion = f.Text,
            AttentionHeads = f.AttentionHeads,
            FusionWeight = (if f.LearnableFusionWeight then FusionWeight.Learnable else FusionWeight.Fixed),
            SupervisedLoss = (if f.PartialCe then SupervisedLoss.PartialCe else SupervisedLoss.Bce),
            AfcWeight = f.AfcWeight,
            Cwc =
                (match f.Cwc with
                 | CwcOff -> CwcVariant.Off
                 | CwcBidirectional -> CwcVariant.Bidirectional
                 | CwcTeacherToStudent -> CwcVariant.TeacherToStudent),
            CwcWeight = f.CwcWeight,
            TauPositive = f.TauPositive,
            TauNegative = f.TauNegative,
            CutMixNoise = f.CutMixNoise,
            Darm =
                (match f.Darm with
                 | DarmOff -> GazeInsight.Torch.Training.DarmOff() :> DarmOptions
                 | DarmOn(region, ratio, minPatch, maxPatch, fill) ->
                     DarmMasking(
                         (if region = PredictionDisagreement then DarmRegion.PredictionDisagreement else DarmRegion.GazeDisagreement),
                         ratio,
                         minPatch,
                         maxPatch,
                         fill
                     )),
            RampUp = f.RampUp
        )

/// Whether the cell's method reads text embeddings (embeddings/<id>.npy for every image).
let needsText (cfg: CellConfig) =
    match cfg.Method with
    | FgiMethod f -> f.Text
    | _ -> false

let request (cfg: CellConfig) (runtime: CellRuntime) (outputDir: string) : ExperimentRequest =
    let root, layout = dataRoot cfg runtime
    let o = cfg.Optimizer

    ExperimentRequest(
        DataRoot = root,
        Layout = layout,
        ImageSize = cfg.Data.ImageSize,
        ValidationFraction = cfg.Data.ValidationFraction,
        GazeMap = cfg.Data.GazeMap,
        Method = methodOptions cfg.Method cfg.Model.FeatureSize,
        Features = Array.ofList cfg.Model.Features,
        FeatureSize = cfg.Model.FeatureSize,
        Optimizer =
            OptimizerOptions(
                Kind = (if o.Kind = Adam then OptimizerKind.Adam else OptimizerKind.Sgd),
                LearningRate = o.LearningRate,
                MinLearningRate = o.MinLearningRate,
                Momentum = o.Momentum,
                Nesterov = o.Nesterov,
                WeightDecay = o.WeightDecay
            ),
        Iterations = cfg.Train.Iterations,
        BatchSize = cfg.Train.BatchSize,
        EvalEvery = cfg.Train.EvalEvery,
        SelectBy = cfg.Evaluation.SelectBy,
        SelectOutput = cfg.Evaluation.SelectOutput,
        RandomFlips = cfg.Train.Flips,
        Seed = cfg.Seed,
        Device = runtime.Device,
        OutputDir = outputDir
    )

/// Every double-valued property of CaseMetrics is a metric column (Dice -> "dice"), so metrics
/// the C# side adds (HD95, ...) reach the tables without a change here.
let private metricProperties =
    typeof<CaseMetrics>.GetProperties(BindingFlags.Public ||| BindingFlags.Instance)
    |> Array.filter (fun p -> p.PropertyType = typeof<float>)
    |> Array.map (fun p -> p.Name.ToLowerInvariant(), p)
    |> List.ofArray

let toResult (report: ExperimentReport) : CellResult =
    { Cases =
        [ for e in report.Evaluations do
              for c in e.Cases do
                  yield
                      { Output = e.Output
                        Checkpoint = e.Checkpoint
                        Case = c.Case
                        Values = metricProperties |> List.map (fun (name, p) -> name, p.GetValue(c) :?> float) } ]
      Curve =
        [ for p in report.Curve ->
              { Iteration = p.Iteration
                Loss = p.Loss
                LearningRate = p.LearningRate
                ValidationDice = p.ValidationDice } ]
      BestIteration = report.BestIteration
      SelectOutput = report.SelectOutput
      TrainSeconds = report.TrainSeconds
      ImagesPerSecond = report.ImagesPerSecond
      Device = report.Device }

let engine: Execution.Engine =
    fun cfg runtime outputDir progress ct ->
        let req = request cfg runtime outputDir

        let relay =
            { new IProgress<TrainingProgress> with
                member _.Report p =
                    progress.Report
                        { Iteration = p.Iteration
                          Iterations = p.Iterations
                          Loss = p.Loss
                          ValidationDice = Option.ofNullable p.ValidationDice } }

        ExperimentRunner.Run(req, relay, ct) |> toResult
