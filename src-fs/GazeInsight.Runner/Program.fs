module GazeInsight.Runner.Program

open Argu
open GazeInsight.Runner
open GazeInsight.Runner.Commands

// Adding a command (the protocol for every area): write Commands/<Area>.fs with an Argu union
// `<Area>.Args` and `run : ParseResults<<Area>.Args> -> int`, list it in the fsproj before
// Program.fs, then add ONE case below and ONE line in `dispatch`.
[<RequireSubcommand>]
type RunnerArgs =
    | [<CliPrefix(CliPrefix.None)>] Sweep of ParseResults<Sweep.Args>
    | [<CliPrefix(CliPrefix.None)>] Table of ParseResults<Table.Args>
    | [<CliPrefix(CliPrefix.None)>] Status of ParseResults<Status.Args>
    | [<CliPrefix(CliPrefix.None)>] Report of ParseResults<ReportCommand.Args>
    | [<CliPrefix(CliPrefix.None); Hidden>] Cell of ParseResults<Cell.Args>
    // -- commands of other areas go here (one case each) --
    | [<CliPrefix(CliPrefix.None)>] Eval of ParseResults<Eval.Args>
    | [<CliPrefix(CliPrefix.None); CustomCommandLine("bench-metrics")>] Bench_Metrics of ParseResults<BenchMetrics.Args>
    | [<CliPrefix(CliPrefix.None)>] Data of ParseResults<Data.Args>
    | [<CliPrefix(CliPrefix.None)>] Gaze of ParseResults<Gaze.Args>
    | [<CliPrefix(CliPrefix.None)>] Text of ParseResults<Text.Args>
    | [<CliPrefix(CliPrefix.None); CustomCommandLine("import-checkpoint")>] Import_Checkpoint of ParseResults<Model.ImportArgs>
    | [<CliPrefix(CliPrefix.None)>] Predict of ParseResults<Model.PredictArgs>
    | [<CliPrefix(CliPrefix.None); CustomCommandLine("bench-train-step")>] Bench_Train_Step of ParseResults<Model.BenchArgs>
    | [<CliPrefix(CliPrefix.None); CustomCommandLine("check-device")>] Check_Device of ParseResults<CheckDevice.Args>

    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | Gaze _ -> "gaze: build pseudo-mask maps from fixations, simulate fixations, annotation time, pseudo-mask benchmark."
            | Data _ -> "data sets and files: inspect FILE, check --data DIR --layout NAME, prepare-nci-isbi."
            | Sweep _ -> "run the cells of an experiment TOML that are not finished yet (of every experiment, for a paper TOML)."
            | Table _ -> "rebuild the tables of an experiment, or a paper's cross-data-set tables, from stored results (no training)."
            | Report _ -> "the HTML results report of an experiment or paper file (results/<name>/report/index.html), from stored results."
            | Status _ -> "show the progress of an experiment (also while a sweep runs elsewhere)."
            | Cell _ -> "run one cell from its folder (used by sweep's child processes)."
            | Eval _ -> "Dice, IoU, HD, HD95, ASD, ASSD, MASD of predicted masks against ground truth (per-case CSV)."
            | Bench_Metrics _ -> "time the surface-distance metrics on random 2D and 3D masks, and against brute force."
            | Text _ -> "lesion descriptions (VLM), text embeddings, encoder checks."
            | Import_Checkpoint _ -> "load a PyTorch state dict (released FGI/GazeMedSeg/MONAI weights) into our networks by name."
            | Predict _ -> "masks at native size, overlays and the teacher's cross-attention maps from a trained cell."
            | Bench_Train_Step _ -> "time the full FGI training step (img/s, peak memory) on cpu or cuda."
            | Check_Device _ -> "device, libtorch, CUDA, TF32 and a tiny fp32 / bf16 forward-backward on it (scripts/device-check.sh)."

let private dispatch (results: ParseResults<RunnerArgs>) =
    match results.GetSubCommand() with
    | Data args -> Data.run args
    | Gaze args -> Gaze.run args
    | Sweep args when PaperCommand.isPaperFile (args.GetResult Sweep.File) -> PaperCommand.sweep args
    | Sweep args -> Sweep.run args
    | Table args when PaperCommand.isPaperFile (args.GetResult Table.File) -> PaperCommand.table args
    | Table args -> Table.run args
    | Status args -> Status.run args
    | Report args -> ReportCommand.run args
    | Cell args -> Cell.run args
    | Eval args -> Eval.run args
    | Bench_Metrics args -> BenchMetrics.run args
    | Text args -> Text.run args
    | Import_Checkpoint args -> Model.runImport args
    | Predict args -> Model.runPredict args
    | Bench_Train_Step args -> Model.runBench args
    | Check_Device args -> CheckDevice.run args
// -- and one dispatch line per command here --

[<EntryPoint>]
let main argv =
    let parser = ArgumentParser.Create<RunnerArgs>(programName = "runner")

    try
        dispatch (parser.ParseCommandLine(argv))
    with
    | :? ArguParseException as e when e.ErrorCode = ErrorCode.HelpText ->
        printfn "%s" e.Message
        Cli.Exit.Ok
    | :? ArguParseException as e ->
        eprintfn "%s" e.Message
        Cli.Exit.Usage
    | Cli.UserProblem message ->
        Cli.printError message
        Cli.Exit.InvalidInput
