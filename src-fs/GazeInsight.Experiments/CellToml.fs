/// A cell's configuration as TOML: reading (validated, every problem collected) and the
/// canonical writer whose text is the cell's identity.
module GazeInsight.Experiments.CellToml

open System
open System.IO
open GazeInsight.Experiments.Toml
open GazeInsight.Experiments.Fields

/// Layout names the data readers understand (method.md §8; "generic" is the synthetic one).
let layouts = [ "generic"; "generic-mri"; "kvasir"; "nci-isbi"; "isic" ]

/// Sections of a cell document (plus `seed`).
let sections = [ "data"; "model"; "method"; "optimizer"; "train"; "evaluation" ]

/// The named values of the enumerated keys: one list per key, read by `choiceOf` and written
/// by `nameOf`, so reader and canonical writer cannot disagree on a spelling.
let private fusionWeights = [ "fixed", FixedFusion; "learnable", LearnableFusion ]
let private supervisedLosses = [ "bce", BceLoss; "partial_ce", PartialCeLoss ]
let private cwcVariants = [ "bidirectional", CwcBidirectional; "teacher_to_student", CwcTeacherToStudent; "off", CwcOff ]
let private cwcProbabilities = [ "sigmoid", SigmoidProbability; "softmax2", Softmax2Probability ]
let private darmRegions = [ "gaze", Some GazeDisagreement; "prediction", Some PredictionDisagreement; "off", None ]
let private optimizerKinds = [ "sgd", Sgd; "adam", Adam ]
let private precisions = [ "fp32", Fp32; "bf16", Bf16 ]
let private selectionMetrics = [ SelectionMetric.Dice; SelectionMetric.IoU ] |> List.map (fun m -> m.Name, m)
let private outputNames = Output.All |> List.map (fun o -> o.Name, o)

let private fgiKeys =
    [ "high_threshold"; "low_threshold"; "teacher_features"; "text"; "attention_heads"; "fusion_weight"
      "supervised_loss"; "afc_weight"; "cwc"; "cwc_probability"; "cwc_weight"; "tau_pos"; "tau_neg"; "cutmix_noise"; "darm"
      "darm_ratio"; "darm_min_patch"; "darm_max_patch"; "darm_fill"; "ramp_up" ]

/// FGI defaults follow the released code (method.md §5–§7). Cross-field rules are checked here,
/// at the key that breaks them, so that --dry-run finds them (FgiMethod asserts them again).
let private readFgi (s: Scope) (path: string) (n: Node) : MethodSpec option =
    let high = opt s path n "high_threshold" (floatIn 0.0 1.0 true) 0.5
    let low = opt s path n "low_threshold" (floatIn 0.0 1.0 true) 0.3

    if low > high then
        fail s (at n "low_threshold" |> Option.orElse (at n "high_threshold")) (join path "low_threshold")
            $"must not exceed high_threshold ({formatFloat high}): the student's mask is the broader one, got {formatFloat low}"

    let teacher = opt s path n "teacher_features" (listOf (intIn 4 8192)) [ 64; 128; 256; 512; 1024; 128 ]
    let teacherOk = teacher.Length = 6 && teacher |> List.forall (fun f -> f % 4 = 0)

    if not teacherOk then
        fail s (at n "teacher_features") (join path "teacher_features")
            $"expected six multiples of 4 (MONAI's BasicUNet features), got {teacher.Length} numbers"

    let text = opt s path n "text" boolean true
    let heads = opt s path n "attention_heads" (intIn 1 64) 8

    // the text fusion at x1..x4 attends with `heads` heads over the teacher's widths there
    if text && teacherOk then
        let widths = teacher.[1..4]

        match widths |> List.tryFind (fun w -> w % heads <> 0) with
        | Some w ->
            let shown = String.Join(", ", widths)
            fail s (at n "attention_heads" |> Option.orElse (at n "teacher_features")) (join path "attention_heads")
                $"must divide the teacher's widths at x1..x4 ({shown}) for the text fusion, got {heads} (which does not divide {w})"
        | None -> ()

    let tauPos = opt s path n "tau_pos" (floatIn 0.0 1.0 false) 0.8
    let tauNeg = opt s path n "tau_neg" (floatIn 0.0 1.0 false) 0.2

    if tauNeg > tauPos then
        fail s (at n "tau_neg" |> Option.orElse (at n "tau_pos")) (join path "tau_neg")
            $"must not exceed tau_pos ({formatFloat tauPos}): CWC trusts a pixel as background below tau_neg and as lesion above tau_pos, got {formatFloat tauNeg}"

    let minPatch = opt s path n "darm_min_patch" (intIn 1 256) 3
    let maxPatch = opt s path n "darm_max_patch" (intIn 1 256) 10

    if maxPatch < minPatch then
        fail s (at n "darm_max_patch" |> Option.orElse (at n "darm_min_patch")) (join path "darm_max_patch")
            $"must be at least darm_min_patch ({minPatch}), got {maxPatch}"

    let darm =
        match opt s path n "darm" (choiceOf darmRegions) (Some GazeDisagreement) with
        | None -> DarmOff
        | Some region ->
            DarmOn(
                region,
                opt s path n "darm_ratio" (floatIn 0.0 1.0 true) 0.3,
                minPatch,
                maxPatch,
                opt s path n "darm_fill" (floatIn -100.0 100.0 false) 0.0
            )

    Some(
        FgiMethod
            { HighThreshold = high
              LowThreshold = low
              TeacherFeatures = teacher
              Text = text
              AttentionHeads = heads
              FusionWeight = opt s path n "fusion_weight" (choiceOf fusionWeights) FixedFusion
              SupervisedLoss = opt s path n "supervised_loss" (choiceOf supervisedLosses) BceLoss
              AfcWeight = opt s path n "afc_weight" (floatIn 0.0 100.0 false) 0.05
              Cwc = opt s path n "cwc" (choiceOf cwcVariants) CwcBidirectional
              CwcProbability = opt s path n "cwc_probability" (choiceOf cwcProbabilities) SigmoidProbability
              CwcWeight = opt s path n "cwc_weight" (floatIn 0.0 100.0 false) 1.0
              TauPositive = tauPos
              TauNegative = tauNeg
              CutMixNoise = opt s path n "cutmix_noise" (floatIn 0.0 10.0 false) 0.2
              Darm = darm
              RampUp = opt s path n "ramp_up" (intIn 0 10000000) 4000 }
    )

let private readGazeMedSeg (s: Scope) (path: string) (n: Node) : MethodSpec option =
    let thresholds = opt s path n "thresholds" (nonEmptyList (floatIn 0.0 1.0 true)) [ 0.5; 0.3 ]

    // two equal levels would train the same network twice and call it multi-level
    match thresholds |> List.countBy id |> List.tryFind (fun (_, k) -> k > 1) with
    | Some(t, _) ->
        fail s (at n "thresholds") (join path "thresholds") $"must be distinct gaze levels, got {formatFloat t} more than once"
    | None -> ()

    Some(
        GazeMedSegMethod
            { Thresholds = thresholds
              ConsistencyWeight = opt s path n "consistency_weight" (floatIn 0.0 100.0 false) 3.0
              RampUp = opt s path n "ramp_up" (intIn 0 10000000) 4000 }
    )

/// Method kinds: the keys each allows (besides `kind`) and how to read them; a new kind is one
/// entry here (docs/architecture.md lists the other places).
let methodKinds: (string * string list * (Scope -> string -> Node -> MethodSpec option)) list =
    [ "full", [], (fun _ _ _ -> Some Full)
      "gaze",
      [ "threshold" ],
      (fun s path n ->
          req s path n "threshold" "a float in (0, 1]" (floatIn 0.0 1.0 true)
          |> Option.map GazeSingle)
      "gazemedseg", [ "thresholds"; "consistency_weight"; "ramp_up" ], readGazeMedSeg
      "fgi", fgiKeys, readFgi ]

let private dataDefaults =
    {| ImageSize = 224
       ValidationFraction = 0.1
       GazeMap = "heatmap" |}

/// How relative paths in a document are made absolute: from the node that holds the path.
type PathResolver = Node -> string -> string

/// Relative paths resolve against the folder of the file that wrote them.
let relativeToWritingFile (fallbackDir: string) : PathResolver =
    fun n p ->
        if Path.IsPathRooted p then
            p
        else
            let dir =
                match n.Pos with
                | Some pos -> dirOf pos.File
                | None -> fallbackDir

            Path.GetFullPath(Path.Combine(dir, p))

let private readSynthetic (s: Scope) (n: Node) =
    let path = "data.synthetic"
    checkKeys
        s
        path
        n
        [ "train"; "test"; "size"; "seed"; "distractors"; "gaze_noise"; "off_target"; "min_fixations"; "max_fixations"
          "heatmap_sigma"; "description_corruption"; "decoys"; "decoy_dwell"; "gaze_spill"; "modality" ]

    let minFix = opt s path n "min_fixations" (intIn 1 1000) 6
    let maxFix = opt s path n "max_fixations" (intIn 1 1000) 14

    if maxFix < minFix then
        fail s (tryGet "max_fixations" n |> Option.orElse (tryGet "min_fixations" n) |> Option.bind _.Pos) "data.synthetic.max_fixations"
            $"must be at least min_fixations ({minFix}), got {maxFix}"

    let decoys = opt s path n "decoys" (intIn 0 4) 0
    let decoyDwell = opt s path n "decoy_dwell" (floatIn 0.0 1.0 false) 0.0

    // a dwell without decoys would make a new cell id for the same data
    if decoyDwell > 0.0 && decoys = 0 then
        fail s (tryGet "decoy_dwell" n |> Option.bind _.Pos) "data.synthetic.decoy_dwell"
            $"needs decoys (data.synthetic.decoys >= 1) to dwell on, got {formatFloat decoyDwell} with no decoys"

    { Train = opt s path n "train" (intIn 2 1_000_000) 160
      Test = opt s path n "test" (intIn 1 1_000_000) 40
      Size = opt s path n "size" (intIn 32 1024) 96
      Seed = opt s path n "seed" (intIn 0 Int32.MaxValue) 0
      Distractors = opt s path n "distractors" (intIn 0 8) 2
      GazeNoise = opt s path n "gaze_noise" (floatIn 0.0 1.0 false) 0.05
      GazeOffTarget = opt s path n "off_target" (floatIn 0.0 1.0 false) 0.2
      MinFixations = minFix
      MaxFixations = maxFix
      HeatmapSigma = opt s path n "heatmap_sigma" (floatIn 0.0 1e6 true) 70.0
      DescriptionCorruption = opt s path n "description_corruption" (floatIn 0.0 1.0 false) 0.0
      Decoys = decoys
      DecoyDwell = decoyDwell
      GazeSpill = opt s path n "gaze_spill" (floatIn 0.0 2.0 false) 0.0

      Modality = opt s path n "modality" (choice [ "rgb"; "mri" ]) "rgb" }

let private readData (s: Scope) (resolve: PathResolver) (checkFiles: bool) (n: Node) : DataSpec option =
    let path = "data"

    let source =
        req s path n "source" "\"folder\" or \"synthetic\"" (choice [ "folder"; "synthetic" ])

    let common = [ "source"; "image_size"; "validation_fraction"; "gaze_map" ]

    let src =
        match source with
        | Some "synthetic" ->
            checkKeys s path n (common @ [ "synthetic" ])

            let syn =
                match tryGet "synthetic" n with
                | Some t -> table s "data.synthetic" t |> Option.map (readSynthetic s)
                | None -> Some(readSynthetic s (node (Tab [])))

            syn |> Option.map Synthetic
        | Some _ ->
            checkKeys s path n (common @ [ "root"; "layout" ])
            let layout = opt s path n "layout" (choice layouts) "generic"

            match tryGet "root" n with
            | None ->
                fail s n.Pos "data.root" "missing key (expected the data set folder, relative to this file)"
                None
            | Some rn ->
                match nonEmptyStr s "data.root" rn with
                | Some r ->
                    let full = resolve rn r

                    if checkFiles && not (Directory.Exists full) then
                        fail s rn.Pos "data.root" $"folder not found: {full}"

                    Some(Folder(full, layout))
                | None -> None
        | None -> None

    let imageSize = opt s path n "image_size" (intIn 16 4096) dataDefaults.ImageSize

    if imageSize % 16 <> 0 then
        fail s (tryGet "image_size" n |> Option.bind _.Pos) "data.image_size" $"must be a multiple of 16 (four 2x2 poolings), got {imageSize}"

    // open at 0: the validation split picks the best checkpoint, so it needs at least one id
    let vf = opt s path n "validation_fraction" (floatIn 0.0 0.9 true) dataDefaults.ValidationFraction
    let gazeMap = opt s path n "gaze_map" nonEmptyStr dataDefaults.GazeMap

    src
    |> Option.map (fun src ->
        { Source = src
          ImageSize = imageSize
          ValidationFraction = vf
          GazeMap = gazeMap })

let private readModel (s: Scope) (n: Node) : ModelSpec =
    checkKeys s "model" n [ "features"; "feature_size" ]

    let features =
        match tryGet "features" n with
        | None -> [ 32; 32; 64; 128; 256; 32 ]
        | Some f ->
            match listOf (intIn 1 8192) s "model.features" f with
            | Some l when l.Length = 6 -> l
            | Some l ->
                fail s f.Pos "model.features" $"expected six numbers (MONAI's BasicUNet features), got {l.Length}"
                [ 32; 32; 64; 128; 256; 32 ]
            | None -> [ 32; 32; 64; 128; 256; 32 ]

    let featureSize = opt s "model" n "feature_size" (intIn 4 8192) 128

    if featureSize % 4 <> 0 then
        fail s (tryGet "feature_size" n |> Option.bind _.Pos) "model.feature_size" $"must be a multiple of 4 (GroupNorm has 4 groups), got {featureSize}"

    { Features = features
      FeatureSize = featureSize }

let private readMethod (s: Scope) (n: Node) : MethodSpec option =
    let kinds = methodKinds |> List.map (fun (k, _, _) -> k)

    match req s "method" n "kind" ("one of " + String.Join(", ", kinds |> List.map (sprintf "\"%s\""))) (choice kinds) with
    | Some kind ->
        let _, keys, read = methodKinds |> List.find (fun (k, _, _) -> k = kind)
        checkKeys s "method" n ("kind" :: keys)
        read s "method" n
    | None -> None

let private readOptimizer (s: Scope) (n: Node) : OptimizerSpec =
    let p = "optimizer"

    checkKeys s p n [ "kind"; "lr"; "min_lr"; "momentum"; "nesterov"; "weight_decay" ]

    let kind = opt s p n "kind" (choiceOf optimizerKinds) Sgd

    let lr = opt s p n "lr" (floatIn 0.0 10.0 true) 1e-2
    let minLr = opt s p n "min_lr" (floatIn 0.0 10.0 false) 1e-4

    if minLr > lr then
        fail s (tryGet "min_lr" n |> Option.bind _.Pos) "optimizer.min_lr" $"must not exceed lr ({formatFloat lr}), got {formatFloat minLr}"

    { Kind = kind
      LearningRate = lr
      MinLearningRate = minLr
      Momentum = opt s p n "momentum" (floatIn 0.0 1.0 false) 0.9
      Nesterov = opt s p n "nesterov" boolean true
      WeightDecay = opt s p n "weight_decay" (floatIn 0.0 1.0 false) 4e-4 }

let private readTrain (s: Scope) (n: Node) : TrainSpec =
    let p = "train"
    checkKeys s p n [ "iterations"; "batch_size"; "eval_every"; "flips"; "precision"; "channels_last" ]
    let iterations = opt s p n "iterations" (intIn 1 10_000_000) 1000

    { Iterations = iterations
      BatchSize = opt s p n "batch_size" (intIn 1 4096) 8
      EvalEvery = opt s p n "eval_every" (intIn 1 10_000_000) 100
      Flips = opt s p n "flips" boolean true
      Precision = opt s p n "precision" (choiceOf precisions) Fp32
      ChannelsLast = opt s p n "channels_last" boolean false }

/// `select_output` must name an output of the cell's method (unknown when the method failed to read).
let private readEvaluation (s: Scope) (methodSpec: MethodSpec option) (n: Node) : EvaluationSpec =
    checkKeys s "evaluation" n [ "select_by"; "select_output" ]
    let selectBy = opt s "evaluation" n "select_by" (choiceOf selectionMetrics) SelectionMetric.Dice

    let selectOutput =
        match methodSpec with
        | Some m ->
            let outputs = MethodOutputs.all m
            let chosen = opt s "evaluation" n "select_output" (choiceOf outputNames) (MethodOutputs.headline m)

            if not (List.contains chosen outputs) then
                let all = String.Join(", ", outputs |> List.map (fun o -> $"\"{o.Name}\""))
                fail s (at n "select_output") "evaluation.select_output"
                    $"\"{chosen.Name}\" is not an output of this cell's method; its outputs are {all}"

            chosen
        | None -> opt s "evaluation" n "select_output" (choiceOf outputNames) Output.Model

    { SelectBy = selectBy
      SelectOutput = selectOutput }

let private section (s: Scope) (root: Node) (key: string) =
    match tryGet key root with
    | Some n -> table s key n
    | None -> Some(node (Tab []))

/// Reads a cell document (a composed spec with one variant, one grid point and `seed` set).
/// Top-level keys other than the sections are the caller's business.
let read (s: Scope) (resolve: PathResolver) (checkFiles: bool) (root: Node) : CellConfig option =
    let data =
        match tryGet "data" root with
        | None ->
            fail s root.Pos "data" "missing section [data] (source = \"folder\" with root and layout, or source = \"synthetic\")"
            None
        | Some n -> table s "data" n |> Option.bind (readData s resolve checkFiles)

    let model = section s root "model" |> Option.map (readModel s)

    let methodSpec =
        match tryGet "method" root with
        | None ->
            fail s root.Pos "method" "missing section [method] (kind = \"full\" or \"gaze\", ...)"
            None
        | Some n -> table s "method" n |> Option.bind (readMethod s)

    let optimizer = section s root "optimizer" |> Option.map (readOptimizer s)
    let train = section s root "train" |> Option.map (readTrain s)
    let evaluation = section s root "evaluation" |> Option.map (readEvaluation s methodSpec)
    let seed = opt s "" root "seed" (intIn 0 Int32.MaxValue) 0

    match data, model, methodSpec, optimizer, train, evaluation with
    | Some d, Some m, Some me, Some o, Some t, Some e ->
        Some
            { Data = d
              Model = m
              Method = me
              Optimizer = o
              Train = t
              Evaluation = e
              Seed = seed }
    | _ -> None

/// The fully resolved config as a tree: every default written out (`canonical` leaves out only
/// the `addedLater` keys at their defaults), so that the text (and the
/// id) does not depend on whether a value was spelt out or left to its default. Data paths are
/// written relative to `baseDir` so that ids do not change when the checkout moves.
let toNode (baseDir: string) (c: CellConfig) : Node =
    let t items = node (Tab items)
    let s v = node (Str v)
    let i (v: int) = node (Int(int64 v))
    let f v = node (Float v)
    let b v = node (Bool v)

    let data =
        [ match c.Data.Source with
          | Folder(root, layout) ->
              yield "source", s "folder"
              yield "root", s (Path.GetRelativePath(baseDir, root).Replace('\\', '/'))
              yield "layout", s layout
          | Synthetic syn ->
              yield "source", s "synthetic"

              yield
                  "synthetic",
                  t (
                      [ "train", i syn.Train
                        "test", i syn.Test
                        "size", i syn.Size
                        "seed", i syn.Seed
                        "distractors", i syn.Distractors
                        "gaze_noise", f syn.GazeNoise
                        "off_target", f syn.GazeOffTarget
                        "min_fixations", i syn.MinFixations
                        "max_fixations", i syn.MaxFixations
                        "heatmap_sigma", f syn.HeatmapSigma
                        "description_corruption", f syn.DescriptionCorruption
                        "decoys", i syn.Decoys
                        "decoy_dwell", f syn.DecoyDwell
                        "gaze_spill", f syn.GazeSpill ]
                      // written only when not the default, so that the ids of every RGB cell
                      // (and their stored results) stay what they were before the key existed
                      @ (if syn.Modality = "rgb" then [] else [ "modality", s syn.Modality ]) )
          yield "image_size", i c.Data.ImageSize
          yield "validation_fraction", f c.Data.ValidationFraction
          yield "gaze_map", s c.Data.GazeMap ]

    let methodNode =
        match c.Method with
        | Full -> [ "kind", s "full" ]
        | GazeSingle th -> [ "kind", s "gaze"; "threshold", f th ]
        | GazeMedSegMethod g ->
            [ "kind", s "gazemedseg"
              "thresholds", node (Arr(g.Thresholds |> List.map f))
              "consistency_weight", f g.ConsistencyWeight
              "ramp_up", i g.RampUp ]
        | FgiMethod m ->
            [ yield "kind", s "fgi"
              yield "high_threshold", f m.HighThreshold
              yield "low_threshold", f m.LowThreshold
              yield "teacher_features", node (Arr(m.TeacherFeatures |> List.map i))
              yield "text", b m.Text
              yield "attention_heads", i m.AttentionHeads
              yield "fusion_weight", s (nameOf fusionWeights m.FusionWeight)
              yield "supervised_loss", s (nameOf supervisedLosses m.SupervisedLoss)
              yield "afc_weight", f m.AfcWeight
              yield "cwc", s (nameOf cwcVariants m.Cwc)
              yield "cwc_probability", s (nameOf cwcProbabilities m.CwcProbability)
              yield "cwc_weight", f m.CwcWeight
              yield "tau_pos", f m.TauPositive
              yield "tau_neg", f m.TauNegative
              yield "cutmix_noise", f m.CutMixNoise
              match m.Darm with
              | DarmOff -> yield "darm", s (nameOf darmRegions None)
              | DarmOn(region, ratio, minPatch, maxPatch, fill) ->
                  yield "darm", s (nameOf darmRegions (Some region))
                  yield "darm_ratio", f ratio
                  yield "darm_min_patch", i minPatch
                  yield "darm_max_patch", i maxPatch
                  yield "darm_fill", f fill
              yield "ramp_up", i m.RampUp ]

    let o = c.Optimizer

    t
        [ "data", t data
          "model", t [ "features", node (Arr(c.Model.Features |> List.map i)); "feature_size", i c.Model.FeatureSize ]
          "method", t methodNode
          "optimizer",
          t
              [ "kind", s (nameOf optimizerKinds o.Kind)
                "lr", f o.LearningRate
                "min_lr", f o.MinLearningRate
                "momentum", f o.Momentum
                "nesterov", b o.Nesterov
                "weight_decay", f o.WeightDecay ]
          "train",
          t
              [ "iterations", i c.Train.Iterations
                "batch_size", i c.Train.BatchSize
                "eval_every", i c.Train.EvalEvery
                "flips", b c.Train.Flips
                "precision", s (nameOf precisions c.Train.Precision)
                "channels_last", b c.Train.ChannelsLast ]
          "evaluation", t [ "select_by", s (nameOf selectionMetrics c.Evaluation.SelectBy); "select_output", s c.Evaluation.SelectOutput.Name ]
          "seed", i c.Seed ]

/// Keys added after cells had been run and identified without them, each with its default as
/// the canonical text writes it. At its default such a key is left out of the canonical text, so
/// that every cell id computed before the key existed stays the same (its results stay found);
/// any other value is written and makes a new id. Reading fills the default back in.
let addedLater =
    [ "method.cwc_probability", "\"sigmoid\""
      "data.synthetic.decoys", "0"
      "data.synthetic.decoy_dwell", "0.0"
      "data.synthetic.gaze_spill", "0.0"
      // both change how a step computes (bf16 its numbers, channels-last only its summation order),
      // so a cell that sets one is a cell of its own, and an axis over them makes distinct cells
      "train.precision", "\"fp32\""
      "train.channels_last", "false" ]

let rec private withoutLaterDefaults (prefix: string) (n: Node) : Node =
    match n.Value with
    | Tab items ->
        let keep =
            [ for k, v in items do
                  let path = if prefix = "" then k else prefix + "." + k

                  if not (List.contains (path, formatInline v.Value) addedLater) then
                      yield k, withoutLaterDefaults path v ]

        { n with Value = Tab keep }
    | _ -> n

/// The tree a cell's identity is: `toNode` without the `addedLater` keys at their defaults.
let identityNode (baseDir: string) (c: CellConfig) : Node = withoutLaterDefaults "" (toNode baseDir c)

/// Canonical text of a resolved config: the basis of the cell id.
let canonical (baseDir: string) (c: CellConfig) = writeCanonical (identityNode baseDir c)
