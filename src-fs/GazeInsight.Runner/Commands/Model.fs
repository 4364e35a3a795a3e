/// `runner import-checkpoint`, `runner predict` and `runner bench-train-step`: PyTorch weights in,
/// masks / overlays / attention maps out, and the FGI training-step throughput (docs/method-notes.md).
module GazeInsight.Runner.Commands.Model

open System
open System.IO
open Argu
open GazeInsight.Experiments
open GazeInsight.Imaging
open GazeInsight.Imaging.Data
open GazeInsight.Runner
open GazeInsight.Torch.Backend
open GazeInsight.Torch.Benchmarks
open GazeInsight.Torch.Inference
open GazeInsight.Torch.Interop
open GazeInsight.Torch.Methods
open GazeInsight.Torch.Networks
open GazeInsight.Torch.Training

[<RequireQualifiedAccess>]
type NetworkKind =
    | Unet
    | Segmentation
    | Teacher
    | Student

[<RequireQualifiedAccess>]
type SplitChoice =
    | Test
    | Train
    | All

type ImportArgs =
    | [<Mandatory; Unique>] From of file: string
    | [<Mandatory; Unique>] Network of NetworkKind
    | [<Mandatory; Unique>] Out of file: string
    | [<Unique>] Features of csv: string
    | [<Unique>] Teacher_Features of csv: string
    | [<Unique>] In_Channels of int
    | [<Unique>] Out_Channels of int
    | [<Unique>] Feature_Size of int
    | [<Unique>] Image_Size of int
    | [<Unique>] Text_Dim of int
    | [<Unique>] Heads of int
    | [<Unique>] Prefix of string
    | [<Unique>] Config of experiment_toml: string
    | [<Unique>] Variant of name: string

    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | From _ -> "PyTorch state dict: torch.save file (.pt/.pth, optionally {'state_dict': ...}) or .safetensors."
            | Network _ -> "unet (MONAI BasicUNet), segmentation (encoder/head/classifier; a single-network method's model), teacher or student."
            | Out _ ->
                "with --config: the cell folder to write (config.toml, checkpoints/best/), for runner predict --checkpoint; "
                + "without: the TorchSharp weights file of the network the flags describe."
            | Config _ ->
                "build the network as a cell of this experiment builds it (the architecture flags are then not used); "
                + "import teacher and student into the same --out for FGI."
            | Variant _ -> "with --config: the variant whose cell to build (default: the first)."
            | Features _ -> "BasicUNet features, six numbers (default: teacher 64,128,256,512,1024,128; others 32,64,128,256,512,32)."
            | Teacher_Features _ -> "student only: the teacher's features (adapter widths; default the paper's)."
            | In_Channels _ -> "image channels (default 3)."
            | Out_Channels _ -> "unet only: final_conv channels (default 2)."
            | Feature_Size _ -> "feature map channels before the head (default 128)."
            | Image_Size _ -> "teacher only: training input size, sizes pos_embedding (default 224)."
            | Text_Dim _ -> "teacher only: text token size D (default 768); 0 = teacher without text fusion."
            | Heads _ -> "teacher only: attention heads (default 8)."
            | Prefix _ -> "keep only keys starting with this prefix, without it (e.g. module. or model.0.)."

type PredictArgs =
    | [<Mandatory; Unique>] Checkpoint of cell_dir: string
    | [<Mandatory; Unique>] Data of dir: string
    | [<Mandatory; Unique>] Out of dir: string
    | [<Unique>] Which of Checkpoint
    | [<Unique>] Output of string
    | [<Unique>] Layout of Cli.LayoutChoice
    | [<Unique>] Split of SplitChoice
    | [<Unique>] Device of string

    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | Checkpoint _ -> "a trained cell's folder (config.toml and checkpoints/) from a sweep."
            | Data _ -> "data set root to predict on."
            | Out _ -> "folder for masks/, overlays/ and attention/."
            | Which _ -> "best (default) or last."
            | Output _ ->
                "which network output: model, teacher, student or average (default: the cell's evaluation.select_output, "
                + "the headline output unless the cell named another: FGI's student)."
            | Layout _ -> "data layout (default generic)."
            | Split _ -> "test (default), train or all."
            | Device _ -> "auto (default), cpu, cuda or cuda:N."

type BenchArgs =
    | [<Unique>] Device of string
    | [<Unique>] Batch of int
    | [<Unique>] Size of int
    | [<Unique>] Iterations of int
    | [<Unique>] Warmup of int
    | [<Unique>] Threads of int
    | [<Unique>] Precision of string
    | Channels_Last
    | Count_Syncs

    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | Device _ -> "cpu (default), cuda or cuda:N."
            | Precision _ -> "fp32 (default; TF32 on CUDA) or bf16, as train.precision."
            | Channels_Last -> "inputs and convolution weights channels-last (NHWC), as train.channels_last."
            | Count_Syncs ->
                "count the host synchronisations (scalar reads, nonzero, uploads, copies to host) in the timed steps (build/native/host_syncs.cpp)."
            | Threads _ -> "libtorch CPU threads (torch.set_num_threads; default: libtorch's own choice)."
            | Batch _ -> "batch size (default 8)."
            | Size _ -> "square input size (default 224)."
            | Iterations _ -> "timed steps (default 10)."
            | Warmup _ -> "untimed steps first (default 3)."

let private parseFeatures (flag: string) (text: string) =
    let parts = text.Split(',', StringSplitOptions.TrimEntries)

    match parts |> Array.map Int32.TryParse with
    | values when values.Length = 6 && values |> Array.forall fst -> values |> Array.map snd
    | _ -> raise (ArgumentException $"--{flag}: expected six comma-separated integers, got '{text}'")

/// `--config`: the weights go into the named network of the method a cell of the experiment
/// builds (MethodFactory, as training and predict build it), kept as that cell's best
/// checkpoint in --out; networks imported there before are kept.
let private importIntoCell (args: ParseResults<ImportArgs>) (experiment: string) (out: string) =
    match SpecLoading.load experiment [] false with
    | Error code -> code
    | Ok spec ->
        let variants = spec.Variants |> List.map _.Name
        let variant = args.GetResult(Variant, variants.Head)

        match spec.Cells |> List.tryFind (fun c -> c.Variant = variant) with
        | None ->
            let known = String.Join(", ", variants)
            raise (ArgumentException $"--variant: {experiment} has no variant '{variant}' (variants: {known})")
        | Some cell ->
            let cfg = cell.Config

            let name =
                match args.GetResult ImportArgs.Network with
                | NetworkKind.Teacher -> "teacher"
                | NetworkKind.Student -> "student"
                | NetworkKind.Segmentation -> "model"
                | NetworkKind.Unet -> raise (ArgumentException "--network unet is MONAI's plain BasicUNet, not a method's network: import it without --config")

            let source = args.GetResult From
            let weights = PyTorchStateDict.Read(source, args.GetResult(Prefix, ""))
            let store = CheckpointStore(out)

            let layout =
                match cfg.Data.Source with
                | Folder(_, layout) -> layout
                | Synthetic s -> (TorchEngine.syntheticOptions s).Layout

            let channels = if DatasetLayout.Get(layout).Modality = Modality.Mri then 1 else 3
            let recorded = store.ReadDataShape() |> Option.ofObj

            // D from the teacher's own weights, else what an earlier import recorded, else --text-dim
            let textDim =
                if not (TorchEngine.needsText cfg) then
                    None
                else
                    match (if name = "teacher" then Option.ofNullable (TeacherNet.TextDimOf weights) else None) with
                    | Some d -> Some d
                    | None ->
                        match recorded |> Option.bind (fun s -> Option.ofNullable s.TextDim), args.TryGetResult Text_Dim with
                        | Some d, _ -> Some d
                        | None, Some d when d > 0 -> Some d
                        | _ -> raise (ArgumentException "--text-dim: this cell's teacher reads text of a size D the student's weights do not tell; import the teacher first or give --text-dim")

            let shape = DataShape(channels, Option.toNullable textDim)

            match recorded with
            | Some r when r <> shape ->
                Cli.printError $"{store.DataShapeFile}: the networks already in {out} were built for {r}, these weights for {shape}"
                Cli.Exit.InvalidInput
            | _ ->
                let request = TorchEngine.requestAt cfg ("(imported weights)", layout) "cpu" out
                use method = MethodFactory.Create(request, shape, TorchBackend.ResolveDevice "cpu")

                match method.Networks.TryGetValue name with
                | false, _ ->
                    let known = String.Join(", ", method.Networks.Keys)
                    raise (ArgumentException $"--network: this cell's method has the networks {known}, not {name}")
                | true, network ->
                    let count = PyTorchStateDict.LoadInto(network, weights, source)
                    let best = Path.Combine(store.Root, Checkpoint.Best.Name)
                    Directory.CreateDirectory best |> ignore
                    network.save (Path.Combine(best, name + ".bin")) |> ignore
                    store.WriteDataShape shape

                    let runtime: CellRuntime =
                        { ExperimentDir = Toml.dirOf spec.File
                          Device = "auto"
                          Threads = None
                          CacheDir = Path.Combine(Toml.dirOf spec.File, ".cache") }

                    Store.writeAtomic (Path.Combine(out, Store.ConfigFile)) (Store.cellConfigText cell runtime)
                    printfn "imported %d tensors from %s into the %s of %s (%s, cell %s); wrote %s" count source name variant spec.Name cell.Id best
                    Cli.Exit.Ok

/// Without --config: the network the architecture flags describe, written as one weights file.
let private importNetwork (args: ParseResults<ImportArgs>) =
    let source = args.GetResult From
    let out = Path.GetFullPath(args.GetResult ImportArgs.Out)

    Cli.whenWritable
        [ Cli.writableFile out
          (if File.Exists source then Ok() else Error $"{source}: file not found (--from)") ]
    <| fun () ->
        let kind = args.GetResult ImportArgs.Network
        let paperTeacher = [| 64; 128; 256; 512; 1024; 128 |]
        let defaultFeatures = if kind = NetworkKind.Teacher then paperTeacher else [| 32; 64; 128; 256; 512; 32 |]

        let features =
            args.TryGetResult ImportArgs.Features
            |> Option.map (parseFeatures "features")
            |> Option.defaultValue defaultFeatures

        let inChannels = args.GetResult(ImportArgs.In_Channels, 3)
        let featureSize = args.GetResult(ImportArgs.Feature_Size, 128)
        TorchBackend.Initialise()

        use network: TorchSharp.torch.nn.Module =
            match kind with
            | NetworkKind.Unet -> new BasicUNet(inChannels, args.GetResult(ImportArgs.Out_Channels, 2), features)
            | NetworkKind.Segmentation -> new SegmentationNet(inChannels, features, featureSize)
            | NetworkKind.Teacher ->
                let textDim = args.GetResult(ImportArgs.Text_Dim, 768)

                new TeacherNet(
                    inChannels,
                    features,
                    args.GetResult(ImportArgs.Image_Size, 224),
                    (if textDim = 0 then Nullable() else Nullable textDim),
                    featureSize,
                    heads = args.GetResult(ImportArgs.Heads, 8)
                )
            | NetworkKind.Student ->
                let teacher =
                    args.TryGetResult ImportArgs.Teacher_Features
                    |> Option.map (parseFeatures "teacher-features")
                    |> Option.defaultValue paperTeacher

                new StudentNet(inChannels, features, teacher, featureSize)

        let weights = PyTorchStateDict.Read(source, args.GetResult(Prefix, ""))
        let count = PyTorchStateDict.LoadInto(network, weights, source)
        network.save out |> ignore
        printfn "imported %d tensors from %s into a %A network; wrote %s" count source kind out
        Cli.Exit.Ok

let private import (args: ParseResults<ImportArgs>) =
    match args.TryGetResult Config with
    | Some experiment ->
        let out = Path.GetFullPath(args.GetResult ImportArgs.Out)
        let source = args.GetResult From

        Cli.whenWritable
            [ Cli.writableFolder out
              (if File.Exists source then Ok() else Error $"{source}: file not found (--from)") ]
        <| fun () -> importIntoCell args experiment out
    | None -> importNetwork args

let private predict (args: ParseResults<PredictArgs>) =
    let cellDir = Path.GetFullPath(args.GetResult Checkpoint)
    let configFile = Path.Combine(cellDir, Store.ConfigFile)
    let out = Path.GetFullPath(args.GetResult PredictArgs.Out)
    let deviceName = args.GetResult(PredictArgs.Device, "auto")

    Cli.whenWritable [ Cli.writableFolder out ]
    <| fun () ->
        if not (File.Exists configFile) then
            Cli.printError $"{configFile}: file not found (--checkpoint takes a trained cell's folder)"
            Cli.Exit.InvalidInput
        else
            match Store.readCellConfig configFile (File.ReadAllText configFile), Cli.torchDevice deviceName with
            | Error errors, _ -> Cli.invalidInput (errors |> List.map _.Render())
            | _, Error problem -> Cli.invalidInput [ problem ]
            | Ok(cfg, _, _), Ok device ->
                let which = args.GetResult(Which, Best)
                let store = CheckpointStore(cellDir)
                let folder = Path.Combine(store.Root, which.Name)

                if not (Directory.Exists folder) then
                    Cli.printError $"{folder}: no {which.Name} checkpoint in this cell (has it trained?)"
                    Cli.Exit.InvalidInput
                else
                    let layout = args.GetResult(PredictArgs.Layout, Cli.LayoutChoice.Generic).Name
                    let dataset = SegmentationDataset.Open(args.GetResult PredictArgs.Data, layout, cfg.Data.GazeMap)

                    let output =
                        match args.TryGetResult PredictArgs.Output with
                        | None -> cfg.Evaluation.SelectOutput
                        | Some name ->
                            let outputs = MethodOutputs.all cfg.Method

                            match Output.TryParse name with
                            | Some o when List.contains o outputs -> o
                            | _ ->
                                let known = String.Join(", ", outputs |> List.map _.Name)
                                raise (ArgumentException $"--output: this cell's method predicts {known}, not '{name}'")

                    let ids: Collections.Generic.IReadOnlyList<string> =
                        match args.GetResult(Split, SplitChoice.Test) with
                        | SplitChoice.Test -> dataset.TestIds
                        | SplitChoice.Train -> dataset.TrainIds
                        | SplitChoice.All -> Seq.append dataset.TrainIds dataset.TestIds |> Seq.toArray :> _

                    match CellPrediction.write cellDir cfg folder dataset ids output deviceName device out with
                    | Error problems -> Cli.invalidInput problems
                    | Ok n ->
                        printfn "wrote %d masks and overlays (%s, %s checkpoint) under %s" n output.Name which.Name out
                        Cli.Exit.Ok

/// The training-step benchmark's cell: the released FGI recipe from the TOML layer's defaults
/// (the same defaults a sweep gets), at the benchmark's input size and batch, with the widths
/// of shared/bench/fgi_step_pytorch.py's student.
/// Precision and layout go through the same keys (train.precision, train.channels_last) as a cell's.
/// Errors are (key, message).
let private benchRequest (size: int) (batch: int) (iterations: int) (precision: string) (channelsLast: bool) (device: string)
    : Result<ExperimentRequest, (string * string) list> =
    let origin = "bench-train-step"
    let quoted = precision.Replace("\\", "\\\\").Replace("\"", "\\\"")
    let layout = if channelsLast then "true" else "false"

    let text =
        $"[data]\nsource = \"synthetic\"\nimage_size = {size}\n\n[model]\nfeatures = [32, 64, 128, 256, 512, 32]\n\n[method]\nkind = \"fgi\"\n\n[train]\nbatch_size = {batch}\niterations = {iterations}\nprecision = \"{quoted}\"\nchannels_last = {layout}\n"

    match Toml.parse origin text with
    | Error e -> Error(e |> List.map (fun e -> "", e.Render()))
    | Ok doc ->
        let scope = Fields.newScope origin

        match CellToml.read scope (CellToml.relativeToWritingFile ".") false doc with
        | Some cfg when scope.Errors.Count = 0 ->
            Ok(TorchEngine.requestAt cfg ("(random tensors)", "generic") device (Path.GetTempPath()))
        | _ -> Error(scope.Errors |> Seq.map (fun e -> e.Path, e.Message) |> List.ofSeq)

let private bench (args: ParseResults<BenchArgs>) =
    let deviceName = args.GetResult(BenchArgs.Device, "cpu")
    let size = args.GetResult(Size, 224)
    let batch = args.GetResult(Batch, 8)

    // before the device: the counter has to be in the process before libtorch
    let syncs = if args.Contains Count_Syncs then Some(HostSyncCounter.Load()) else None

    match Cli.torchDevice deviceName, args.TryGetResult Threads with
    | Error problem, _ -> Cli.invalidInput [ problem ]
    | _, Some n when n < 1 -> Cli.invalidInput [ $"bench-train-step: --threads must be at least 1, got {n}" ]
    | Ok _, _ ->
        let precision = args.GetResult(BenchArgs.Precision, "fp32")

        match benchRequest size batch (args.GetResult(Iterations, 10)) precision (args.Contains BenchArgs.Channels_Last) deviceName with
        | Error problems when problems |> List.exists (fun (key, _) -> key = "train.precision") ->
            let message = problems |> List.find (fun (key, _) -> key = "train.precision") |> snd
            Cli.invalidInput [ $"bench-train-step: --precision: {message}" ]
        | Error problems ->
            raise (ArgumentException($"--size {size} / --batch {batch}: " + String.Join("; ", problems |> List.map (fun (k, m) -> $"{k}: {m}"))))
        | Ok request ->
            let threads = args.TryGetResult Threads |> Option.toNullable
            let r = TrainStepBenchmark.Run(request, args.GetResult(Warmup, 3), threads = threads, syncs = Option.toObj syncs)
            let gib (b: int64) = float b / float (1L <<< 30)

            printfn
                "FGI train step on %s (%d threads), %s, %s, batch %d, %dx%d, %d timed steps: %.2f img/s, %.1f ms/step, cpu %.2f s/step; peak resident %.2f GiB; peak device %s; loss %.4f; params teacher %.1fM student %.1fM"
                r.Device
                r.Threads
                precision
                (if request.Compute.ChannelsLast then "channels-last" else "contiguous")
                r.BatchSize
                r.ImageSize
                r.ImageSize
                r.Iterations
                r.ImagesPerSecond
                r.MillisecondsPerIteration
                r.CpuSecondsPerIteration
                (gib r.PeakResidentBytes)
                (if r.PeakDeviceBytes.HasValue then $"%.2f{gib r.PeakDeviceBytes.Value} GiB (NVML)" else "n/a")
                r.FinalLoss
                (float r.TeacherParameters / 1e6)
                (float r.StudentParameters / 1e6)

            if r.TimedStepSyncs.HasValue then
                let total = r.TimedStepSyncs.Value
                printfn "host syncs in the timed steps (counter calibrated): %.2f per step; over %d steps %O" (float total.Total / float r.Iterations) r.Iterations total

            Cli.Exit.Ok

let private guarded (f: unit -> int) =
    try
        f ()
    with
    | :? InvalidInputException as e ->
        Cli.printError e.Message
        Cli.Exit.InvalidInput
    | :? ArgumentException as e when not (e :? ArgumentNullException) ->
        Cli.printError e.Message
        Cli.Exit.Usage
    | :? HostSyncCounterException as e ->
        Cli.printError $"bench-train-step --count-syncs: {e.Message}"
        Cli.Exit.Usage

let runImport (args: ParseResults<ImportArgs>) = guarded (fun () -> import args)

let runPredict (args: ParseResults<PredictArgs>) = guarded (fun () -> predict args)

let runBench (args: ParseResults<BenchArgs>) = guarded (fun () -> bench args)
