/// The one schema, checked: the TOML layer (defaults, validation, canonical text) is the source
/// of truth, the C# records (required members, no defaults) are the trainer's contract, and
/// TorchEngine maps one to the other. These properties fail when a key of a cell's canonical
/// config does not reach the trainer: any valid config -> request -> the config the request
/// describes -> canonical TOML -> the same cell id.
module GazeInsight.Experiments.Tests.MappingTests

open System
open System.IO
open Expecto
open FsCheck
open FsCheck.FSharp
open GazeInsight.Imaging.Synthetic
open GazeInsight.Metrics
open GazeInsight.Runner
open GazeInsight.Torch.Training
// opened last: its names (SelectionMetric, FgiMethod, DarmOff, ...) win over the C# ones
open GazeInsight.Experiments

type private MethodOutput = GazeInsight.Torch.Methods.MethodOutput
type private MethodFactory = GazeInsight.Torch.Methods.MethodFactory

let private baseDir = Path.GetFullPath "/virtual/experiments"

// ---- generators of valid cell configs (every rule of CellToml respected) -------------------

/// A float in [lo, hi] on a grid of 1/1000 of the range, ends included.
let private floatIn (lo: float) (hi: float) =
    Gen.choose (0, 1000) |> Gen.map (fun k -> lo + (hi - lo) * float k / 1000.0)

/// A float in (lo, hi].
let private floatAbove (lo: float) (hi: float) =
    Gen.choose (1, 1000) |> Gen.map (fun k -> lo + (hi - lo) * float k / 1000.0)

let private features (lo: int) (hi: int) (multipleOf: int) =
    Gen.choose (lo / multipleOf, hi / multipleOf) |> Gen.map ((*) multipleOf) |> Gen.listOfLength 6

let private genSynthetic =
    gen {
        let! minFix = Gen.choose (1, 20)
        let! extra = Gen.choose (0, 20)
        let! train = Gen.choose (2, 500)
        let! test = Gen.choose (1, 200)
        let! size = Gen.choose (32, 1024)
        let! seed = Gen.choose (0, 1000)
        let! distractors = Gen.choose (0, 8)
        let! noise = floatIn 0.0 1.0
        let! off = floatIn 0.0 1.0
        let! sigma = floatAbove 0.0 200.0
        let! corruption = floatIn 0.0 1.0
        let! decoys = Gen.choose (0, 4)
        let! dwell = floatIn 0.0 1.0
        let! spill = floatIn 0.0 2.0
        let! modality = Gen.elements [ "rgb"; "mri" ]

        return
            Synthetic
                { Train = train
                  Test = test
                  Size = size
                  Seed = seed
                  Distractors = distractors
                  GazeNoise = noise
                  GazeOffTarget = off
                  MinFixations = minFix
                  MaxFixations = minFix + extra
                  HeatmapSigma = sigma
                  DescriptionCorruption = corruption
                  Decoys = decoys
                  DecoyDwell = (if decoys = 0 then 0.0 else dwell)
                  GazeSpill = spill

                  Modality = modality }
    }

let private genFolder =
    gen {
        let! name = Gen.elements [ "data/kvasir-seg"; "data/nci-isbi"; "../shared/isic"; "sets/a b" ]
        let! layout = Gen.elements CellToml.layouts
        return Folder(Path.GetFullPath(Path.Combine(baseDir, name)), layout)
    }

let private genData =
    gen {
        let! source = Gen.oneof [ genSynthetic; genFolder ]
        let! size = Gen.choose (1, 64) |> Gen.map ((*) 16)
        let! fraction = floatAbove 0.0 0.9
        let! gazeMap = Gen.elements [ "heatmap"; "crf_compat1"; "simulated" ]

        return
            { Source = source
              ImageSize = size
              ValidationFraction = fraction
              GazeMap = gazeMap }
    }

let private genModel =
    gen {
        let! f = features 1 512 1
        let! size = Gen.choose (1, 64) |> Gen.map ((*) 4)
        return { Features = f; FeatureSize = size }
    }

let private genFgi =
    gen {
        let! high = floatAbove 0.0 1.0
        let! low = floatAbove 0.0 high
        let! text = Gen.elements [ true; false ]
        let! heads = Gen.elements [ 1; 2; 4; 8 ]
        // widths x1..x4 multiples of 4 * 8, so that every head count above divides them
        let! teacher = features 32 1024 32
        let! fusion = Gen.elements [ FixedFusion; LearnableFusion ]
        let! loss = Gen.elements [ BceLoss; PartialCeLoss ]
        let! afc = floatIn 0.0 1.0
        let! cwc = Gen.elements [ CwcOff; CwcBidirectional; CwcTeacherToStudent ]
        let! cwcProbability = Gen.elements [ SigmoidProbability; Softmax2Probability ]
        let! cwcWeight = floatIn 0.0 5.0
        let! tauPos = floatIn 0.0 1.0
        let! tauNeg = floatIn 0.0 tauPos
        let! noise = floatIn 0.0 1.0
        let! region = Gen.elements [ None; Some GazeDisagreement; Some PredictionDisagreement ]
        let! ratio = floatAbove 0.0 1.0
        let! minPatch = Gen.choose (1, 20)
        let! extra = Gen.choose (0, 20)
        let! fill = floatIn -3.0 3.0
        let! rampUp = Gen.choose (0, 20000)

        return
            FgiMethod
                { HighThreshold = high
                  LowThreshold = low
                  TeacherFeatures = teacher
                  Text = text
                  AttentionHeads = heads
                  FusionWeight = fusion
                  SupervisedLoss = loss
                  AfcWeight = afc
                  Cwc = cwc
                  CwcProbability = cwcProbability
                  CwcWeight = cwcWeight
                  TauPositive = tauPos
                  TauNegative = tauNeg
                  CutMixNoise = noise
                  Darm =
                    (match region with
                     | None -> DarmOff
                     | Some r -> DarmOn(r, ratio, minPatch, minPatch + extra, fill))
                  RampUp = rampUp }
    }

let private genGazeMedSeg =
    gen {
        let! n = Gen.choose (1, 5)
        let! levels = Gen.shuffle [ 0.1; 0.2; 0.3; 0.4; 0.5; 0.6; 0.7; 0.8; 0.9; 1.0 ]
        let! weight = floatIn 0.0 10.0
        let! rampUp = Gen.choose (0, 20000)

        return
            GazeMedSegMethod
                { Thresholds = levels |> Array.take n |> List.ofArray
                  ConsistencyWeight = weight
                  RampUp = rampUp }
    }

let private genMethod =
    Gen.oneof [ Gen.constant Full; floatAbove 0.0 1.0 |> Gen.map GazeSingle; genGazeMedSeg; genFgi ]

let private genOptimizer =
    gen {
        let! kind = Gen.elements [ Sgd; Adam ]
        let! lr = floatAbove 0.0 0.1
        let! minLr = floatIn 0.0 lr
        let! momentum = floatIn 0.0 1.0
        let! nesterov = Gen.elements [ true; false ]
        let! decay = floatIn 0.0 0.01

        return
            { Kind = kind
              LearningRate = lr
              MinLearningRate = minLr
              Momentum = momentum
              Nesterov = nesterov
              WeightDecay = decay }
    }

let private genConfig =
    gen {
        let! data = genData
        let! model = genModel
        let! methodSpec = genMethod
        let! optimizer = genOptimizer
        let! iterations = Gen.choose (1, 20000)
        let! batch = Gen.choose (1, 64)
        let! every = Gen.choose (1, 2000)
        let! flips = Gen.elements [ true; false ]
        let! precision = Gen.elements [ Fp32; Bf16 ]
        let! channelsLast = Gen.elements [ true; false ]
        let! selectBy = Gen.elements [ SelectionMetric.Dice; SelectionMetric.IoU ]
        let! selectOutput = Gen.elements (MethodOutputs.all methodSpec)
        let! seed = Gen.choose (0, Int32.MaxValue)

        return
            { Data = data
              Model = model
              Method = methodSpec
              Optimizer = optimizer
              Train =
                { Iterations = iterations
                  BatchSize = batch
                  EvalEvery = every
                  Flips = flips
                  Precision = precision
                  ChannelsLast = channelsLast }
              Evaluation =
                { SelectBy = selectBy
                  SelectOutput = selectOutput }
              Seed = seed }
    }

// ---- the trainer's view: what the C# request says, read back into a config -----------------

let private syntheticData (o: SyntheticOptions) =
    { Train = o.TrainCount
      Test = o.TestCount
      Size = o.ImageSize
      Seed = int o.Seed
      Distractors = o.Distractors
      GazeNoise = o.GazeNoise
      GazeOffTarget = o.GazeOffTargetFraction
      MinFixations = o.GazeMinFixations
      MaxFixations = o.GazeMaxFixations
      HeatmapSigma = o.HeatmapSigma
      DescriptionCorruption = o.DescriptionCorruption
      Decoys = o.Decoys
      DecoyDwell = o.DecoyDwell
      GazeSpill = o.GazeSpill

      Modality = (if o.Modality = GazeInsight.Imaging.Data.Modality.Mri then "mri" else "rgb") }

let private methodSpecOf (m: MethodOptions) =
    match m with
    | :? FullySupervised -> Full
    | :? GazeSingleLevel as g -> GazeSingle g.Threshold
    | :? GazeMedSeg as g ->
        GazeMedSegMethod
            { Thresholds = List.ofArray g.Thresholds
              ConsistencyWeight = g.ConsistencyWeight
              RampUp = g.RampUp }
    | :? Fgi as f ->
        FgiMethod
            { HighThreshold = f.HighThreshold
              LowThreshold = f.LowThreshold
              TeacherFeatures = List.ofArray f.TeacherFeatures
              Text = f.TextFusion
              AttentionHeads = f.AttentionHeads
              FusionWeight = (if f.FusionWeight = FusionWeight.Learnable then LearnableFusion else FixedFusion)
              SupervisedLoss = (if f.SupervisedLoss = SupervisedLoss.PartialCe then PartialCeLoss else BceLoss)
              AfcWeight = f.AfcWeight
              Cwc =
                (match f.Cwc with
                 | CwcVariant.Off -> CwcOff
                 | CwcVariant.TeacherToStudent -> CwcTeacherToStudent
                 | _ -> CwcBidirectional)
              CwcProbability =
                (if f.CwcProbability = GazeInsight.Torch.Losses.CwcProbability.Softmax2 then
                     Softmax2Probability
                 else
                     SigmoidProbability)
              CwcWeight = f.CwcWeight
              TauPositive = f.TauPositive
              TauNegative = f.TauNegative
              CutMixNoise = f.CutMixNoise
              Darm =
                (match f.Darm with
                 | :? DarmMasking as d ->
                     let region = if d.Region = DarmRegion.PredictionDisagreement then PredictionDisagreement else GazeDisagreement
                     DarmOn(region, d.Ratio, d.MinPatch, d.MaxPatch, d.Fill)
                 | _ -> DarmOff)
              RampUp = f.RampUp }
    | other -> failwithf "no spec for %s" (other.GetType().Name)

/// Every member of the request (and the synthetic options its data root comes from), nothing else.
let private configOf (location: TorchEngine.DataLocation) (r: ExperimentRequest) : CellConfig =
    { Data =
        { Source =
            (match location with
             | TorchEngine.DataFolder _ -> Folder(r.DataRoot, r.Layout)
             | TorchEngine.Generated o -> Synthetic(syntheticData o))
          ImageSize = r.ImageSize
          ValidationFraction = r.ValidationFraction
          GazeMap = r.GazeMap }
      Model =
        { Features = List.ofArray r.Features
          FeatureSize = r.FeatureSize }
      Method = methodSpecOf r.Method
      Optimizer =
        { Kind = (if r.Optimizer.Kind = GazeInsight.Torch.Training.OptimizerKind.Adam then Adam else Sgd)
          LearningRate = r.Optimizer.LearningRate
          MinLearningRate = r.Optimizer.MinLearningRate
          Momentum = r.Optimizer.Momentum
          Nesterov = r.Optimizer.Nesterov
          WeightDecay = r.Optimizer.WeightDecay }
      Train =
        { Iterations = r.Iterations
          BatchSize = r.BatchSize
          EvalEvery = r.EvalEvery
          Flips = r.RandomFlips
          Precision = (if r.Compute.Precision = Precision.BFloat16 then Bf16 else Fp32)
          ChannelsLast = r.Compute.ChannelsLast }
      Evaluation =
        { SelectBy =
            (if r.SelectBy = GazeInsight.Torch.Training.SelectionMetric.IoU then
                 SelectionMetric.IoU
             else
                 SelectionMetric.Dice)
          SelectOutput = TorchEngine.ofMethodOutput r.SelectOutput }
      Seed = r.Seed }

/// The request TorchEngine makes, with a synthetic set's root where the cache would put it
/// (nothing is generated).
let private requestOf (cfg: CellConfig) =
    let location = TorchEngine.dataLocation cfg

    let at =
        match location with
        | TorchEngine.DataFolder(root, layout) -> root, layout
        | TorchEngine.Generated o -> Path.Combine("/cache", o.CacheKey()), "generic"

    location, TorchEngine.requestAt cfg at "cpu" "/virtual/out"

/// Reads canonical text back into a config (as `runner cell` reads config.toml).
let private readCanonical (text: string) =
    match Toml.parse "canonical.toml" text with
    | Error e -> Error(Spec.render e)
    | Ok doc ->
        let s = Fields.newScope "canonical.toml"

        match CellToml.read s (fun _ p -> Path.GetFullPath(Path.Combine(baseDir, p))) false doc with
        | Some cfg when s.Errors.Count = 0 -> Ok cfg
        | _ -> Error(Spec.render (List.ofSeq s.Errors))

let rec private leaves (prefix: string) (n: Toml.Node) =
    match n.Value with
    | Toml.Tab items -> items |> List.collect (fun (k, v) -> leaves (if prefix = "" then k else prefix + "." + k) v)
    | v -> [ prefix, Toml.formatInline v ]

let private config = { FsCheckConfig.defaultConfig with maxTest = 300; arbitrary = [] }

[<Tests>]
let tests =
    testList
        "schema"
        [ testPropertyWithConfig config "a generated config is valid: its canonical text reads back to itself"
          <| Prop.forAll (Arb.fromGen genConfig) (fun cfg ->
              let text = CellToml.canonical baseDir cfg

              match readCanonical text with
              | Ok back -> back = cfg
              | Error e -> failwithf "%s\n%s" (String.Join("\n", e)) text)

          testPropertyWithConfig config "every key reaches the trainer: config -> request -> config gives the same cell id"
          <| Prop.forAll (Arb.fromGen genConfig) (fun cfg ->
              let location, request = requestOf cfg
              let trainerView = configOf location request
              let expected = CellToml.canonical baseDir cfg
              let actual = CellToml.canonical baseDir trainerView

              if actual <> expected then
                  let spec = leaves "" (CellToml.toNode baseDir cfg) |> Map.ofList
                  let got = leaves "" (CellToml.toNode baseDir trainerView) |> Map.ofList

                  let lost =
                      [ for KeyValue(k, v) in spec do
                            match Map.tryFind k got with
                            | Some w when w = v -> ()
                            | Some w -> yield $"{k}: the spec says {v}, the trainer gets {w}"
                            | None -> yield $"{k}: the spec says {v}, the trainer gets nothing" ]

                  failtestf "a key does not reach the trainer as written (cell %s):\n  %s" (RunId.ofCanonical expected) (String.Join("\n  ", lost))

              RunId.ofCanonical actual = RunId.ofCanonical expected)

          test "the generator varies every key of the canonical config (a key it held fixed could be dropped unseen)" {
              let samples = Gen.sample 400 genConfig |> Seq.map (fun c -> CellToml.toNode baseDir c) |> List.ofSeq

              let valuesByKey =
                  samples |> List.collect (leaves "") |> List.groupBy fst |> List.map (fun (k, vs) -> k, vs |> List.map snd |> List.distinct)

              // data.synthetic.modality is written only when not "rgb" (cell ids of RGB sets stay as
              // they were): written at all is its variation
              let writtenWhenNotDefault (k, vs) = k = "data.synthetic.modality" && vs = [ "\"mri\"" ]
              let fixedKeys = valuesByKey |> List.filter (fun (k, vs) -> vs.Length < 2 && not (writtenWhenNotDefault (k, vs))) |> List.map fst
              Expect.isEmpty fixedKeys "keys with one value only"

              let kinds = valuesByKey |> List.find (fun (k, _) -> k = "method.kind") |> snd |> List.map (fun v -> v.Trim('"')) |> Set.ofList
              Expect.equal kinds (CellToml.methodKinds |> List.map (fun (k, _, _) -> k) |> Set.ofList) "every method kind is generated"
              Expect.isGreaterThan valuesByKey.Length 50 "the canonical config's keys were all seen"
          }

          test "outputs: the F# union and the C# enum name the same outputs" {
              let csharp = Enum.GetValues<MethodOutput>() |> List.ofArray
              Expect.equal (Output.All |> List.map TorchEngine.output) csharp "one case per enum value, in order"
              Expect.equal (csharp |> List.map TorchEngine.ofMethodOutput) Output.All "and back"

              for o in Output.All do
                  Expect.equal o.Name ((TorchEngine.output o).ToString().ToLowerInvariant()) "the lower-case enum name"
          }

          test "outputs: each method kind's outputs are the ones its C# method predicts" {
              let kinds = Gen.sample 200 genMethod |> List.ofSeq

              for m in kinds do
                  let csharp = MethodFactory.Outputs(TorchEngine.methodOptions m) |> List.ofSeq
                  Expect.equal (MethodOutputs.all m |> List.map TorchEngine.output) csharp $"{m}"
                  Expect.contains (MethodOutputs.all m) (MethodOutputs.headline m) "the headline output is one of them"
          }

          test "metrics: the F# union names exactly the C# per-case columns, in their order" {
              Expect.equal (Metric.All |> List.map _.Name) (List.ofSeq CaseMetrics.Names) "names"
              let c = CaseMetrics("x", 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7)
              Expect.equal (Metric.All |> List.map (TorchEngine.metricValue c)) (List.ofSeq c.Values) "values"
          }

          test "checkpoints: the F# union and the C# enum agree" {
              Expect.equal
                  (Enum.GetValues<CheckpointKind>() |> Array.map TorchEngine.checkpointOf |> List.ofArray)
                  Checkpoint.All
                  "Best, Last"
          } ]
