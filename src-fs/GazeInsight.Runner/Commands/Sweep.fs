/// `runner sweep FILE`: run every cell of an experiment that is not finished yet.
module GazeInsight.Runner.Commands.Sweep

open System
open Argu
open GazeInsight.Experiments
open GazeInsight.Runner

/// Where the cells run (`--executor`, else `[runtime] executor`).
type ExecutorChoice =
    | Local
    | Slurm

type Args =
    | [<MainCommand; ExactlyOnce>] File of experiment_toml: string
    | Dry_Run
    | Set of ``key=value``: string
    | [<AltCommandLine("-j")>] Jobs of int
    | Results of dir: string
    | Device of string
    | Cache of dir: string
    | Plain
    | Executor of ExecutorChoice
    | Wait
    | [<Hidden>] Engine of string

    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | File _ -> "experiment file (TOML)."
            | Dry_Run -> "list the cells (id, row, seed, differences from the base) and run nothing."
            | Set _ -> "override a key, e.g. --set train.iterations=200 (repeatable)."
            | Jobs _ -> "cells run in parallel (default 1)."
            | Results _ -> "results folder (default: results); cells go to <dir>/<experiment>/<cell-id>/."
            | Device _ -> "auto, cpu, cuda or cuda:N (overrides [runtime] device)."
            | Cache _ -> "cache folder for generated data (default: .cache at the repository root)."
            | Plain -> "plain progress lines even on a terminal."
            | Executor _ -> "local (child processes here) or slurm (one job array; docs/slurm.md); overrides [runtime] executor."
            | Wait -> "with --executor slurm: follow the array until every task ended, then write the tables."
            | Engine _ -> "torch (default) or fake (tests: instant synthetic results)."

let dryRun (spec: ExperimentSpec) =
    let baseDir = Toml.dirOf spec.File
    let reference = Plan.reference spec
    let plural n word = if n = 1 then $"{n} {word}" else $"{n} {word}s"

    printfn "%s: %s (%s x %s%s)" spec.Name (plural spec.Cells.Length "cell") (plural spec.Seeds.Length "seed") (plural spec.Variants.Length "variant")
        (spec.Axes |> List.map (fun a -> $" x {a.Values.Length} {a.Key}") |> String.concat "")

    for c in spec.Cells do
        let diffs =
            match reference with
            | Some r -> Plan.differences baseDir r c.Config
            | None -> []

        let shown =
            if diffs.IsEmpty then "(as the base)"
            else String.Join(", ", diffs |> List.map (fun (k, v) -> $"{k}={v}"))

        printfn "  %s  %-28s seed %-3d %s" c.Id c.Row c.Seed shown

    let missing =
        spec.Cells
        |> List.choose (fun c ->
            match c.Config.Data.Source with
            | Folder(root, _) when not (IO.Directory.Exists root) -> Some root
            | _ -> None)
        |> List.distinct

    for root in missing do
        printfn "note: data folder not found: %s (a sweep needs it)" root

/// The cache folder: --cache, else $GAZEINSIGHT_CACHE, else .cache at the repository root
/// (the folder above the experiment holding GazeInsight.sln), else .cache here.
let cacheDir (args: ParseResults<Args>) (spec: ExperimentSpec) =
    match args.TryGetResult Cache with
    | Some d -> IO.Path.GetFullPath d
    | None ->
        match Environment.GetEnvironmentVariable "GAZEINSIGHT_CACHE" with
        | null
        | "" ->
            let rec up (d: IO.DirectoryInfo | null) =
                match d with
                | null -> None
                | d when IO.File.Exists(IO.Path.Combine(d.FullName, "GazeInsight.sln")) -> Some d.FullName
                | d -> up d.Parent

            match up (IO.DirectoryInfo(Toml.dirOf spec.File)) with
            | Some root -> IO.Path.Combine(root, ".cache")
            | None -> IO.Path.GetFullPath ".cache"
        | env -> IO.Path.GetFullPath env

/// Generates each synthetic data set the sweep needs once, before any cell starts, so that
/// parallel cells never race to make it; where a cell's method reads text, the set's
/// descriptions are embedded with the offline encoder (up-to-date embeddings are skipped).
let private prepareData (spec: ExperimentSpec) (cache: string) =
    let sets =
        spec.Cells
        |> List.choose (fun c ->
            match c.Config.Data.Source with
            | Synthetic s -> Some(s, TorchEngine.needsText c.Config)
            | Folder _ -> None)
        |> List.groupBy fst
        |> List.map (fun (s, uses) -> s, uses |> List.exists snd)

    for s, needsText in sets do
        let options = TorchEngine.syntheticOptions s
        let root = IO.Path.Combine(cache, options.CacheKey())

        if not (IO.Directory.Exists root) then
            printfn "generating the synthetic data set (%d train + %d test, %d px) into %s" s.Train s.Test s.Size root
            GazeInsight.Imaging.Synthetic.SyntheticDataset.Ensure(options, cache, null) |> ignore

        if needsText then
            use encoder = GazeInsight.Text.Encoders.TextEncoders.Create "minilm"
            let summary = GazeInsight.Text.Embeddings.EmbeddingPass.Run(root, encoder, GazeInsight.Text.Embeddings.EmbedOptions())

            if summary.Written > 0 then
                printfn "embedded %d descriptions of the synthetic set with %s" summary.Written encoder.Name

/// The data preflight: every problem of every data folder the cells use, printed at once (exit
/// 2, and nothing is started or written), or None when the data is complete. The spec's own
/// rules were checked when it loaded.
let preflight (skipMissing: bool) (spec: ExperimentSpec) =
    match DataPreflight.run skipMissing spec.Cells with
    | [] -> None
    | problems ->
        let code = Cli.invalidInput problems
        eprintfn "preflight: %d problem(s) in the data of %s; no cell was started" problems.Length spec.Name
        Some code

let execute (args: ParseResults<Args>) (spec: ExperimentSpec) (device: string) =
    let engine = args.GetResult(Engine, "torch")

    match Engines.parse engine with
    | Error e ->
        Cli.printError $"--engine: {e}"
        Cli.Exit.Usage
    | Ok _ ->
        let results = IO.Path.GetFullPath(args.GetResult(Results, "results"))
        let jobs = args.GetResult(Jobs, 1)
        let cache = cacheDir args spec

        let runtime: CellRuntime =
            { ExperimentDir = Toml.dirOf spec.File
              Device = device
              Threads = spec.Runtime.Threads
              CacheDir = cache }

        let needsCache =
            engine = "torch" && spec.Cells |> List.exists (fun c -> c.Config.Data.Source.IsSynthetic)

        let slurm =
            match args.TryGetResult Executor with
            | Some Slurm -> true
            | Some Local -> false
            | None -> spec.Runtime.Executor = RunOnSlurm

        if jobs < 1 then
            Cli.printError $"--jobs: must be at least 1, got {jobs}"
            Cli.Exit.Usage
        elif args.Contains Wait && not slurm then
            Cli.printError "--wait: only with --executor slurm (a local sweep always waits)"
            Cli.Exit.Usage
        else
            // before anything is written: the results folder is created by the check below
            match preflight false spec with
            | Some code -> code
            | None ->
                Cli.whenWritable
                    [ Cli.writableFolder (Store.experimentDir results spec.Name)
                      (if needsCache then Cli.writableFolder cache else Ok()) ]
                <| fun () ->
                    if engine = "torch" then
                        prepareData spec cache

                    if slurm then
                        // -j N: at most N tasks of the array at once
                        let resources =
                            match args.TryGetResult Jobs with
                            | Some n -> { spec.Runtime.Slurm with MaxParallel = Some n }
                            | None -> spec.Runtime.Slurm

                        SlurmSweep.run spec results runtime engine resources (args.Contains Wait)
                    else

                    use cts = new Threading.CancellationTokenSource()
                    use _signals = Cli.stopOnSignals true cts
                    let executor = ChildExecutor.executor (ChildExecutor.selfCommand ()) engine
                    let tracker = Display.Tracker(spec.Cells.Length)
                    let clock = Diagnostics.Stopwatch.StartNew()

                    let summary =
                        if Display.interactive (args.Contains Plain) then
                            Spectre.Console.AnsiConsole
                                .Live(Display.render tracker jobs)
                                .Start(fun ctx ->
                                    let ticker =
                                        new Threading.Timer(
                                            (fun _ ->
                                                lock tracker (fun () ->
                                                    ctx.UpdateTarget(Display.render tracker jobs)
                                                    ctx.Refresh())),
                                            null,
                                            1000,
                                            1000
                                        )

                                    use _ = ticker

                                    Execution.sweep spec results runtime jobs executor (fun e ->
                                        lock tracker (fun () ->
                                            tracker.Apply e
                                            ctx.UpdateTarget(Display.render tracker jobs)
                                            ctx.Refresh())) cts.Token)
                        else
                            Execution.sweep spec results runtime jobs executor (Display.plain tracker jobs) cts.Token

                    let text, dir = Table.writeTables spec results
                    printfn "\n%s" text

                    if engine = "torch" then
                        Report.afterSweep spec results cache

                    printfn
                        "%s: %d of %d cells finished (%d trained by this run, %.0f s); tables in %s/table.md"
                        spec.Name
                        summary.FinishedNow
                        summary.Total
                        summary.Finished
                        clock.Elapsed.TotalSeconds
                        dir

                    for c, reason in summary.Failed do
                        printfn "failed: %s %s seed %d: %s (log: %s)" c.Id c.Row c.Seed reason (IO.Path.Combine(Store.cellDir results spec.Name c.Id, Store.LogFile))

                    for c in summary.Interrupted do
                        printfn "interrupted: %s %s seed %d (resumes from its last checkpoint)" c.Id c.Row c.Seed

                    if cts.IsCancellationRequested then
                        printfn "interrupted: run the same command again to resume"
                        ChildExecutor.InterruptedExit
                    elif not summary.Failed.IsEmpty then
                        Cli.Exit.RunsFailed
                    elif summary.Skipped > 0 then
                        printfn "%d cells were run by another runner and were skipped" summary.Skipped
                        Cli.Exit.Ok
                    else
                        Cli.Exit.Ok

/// The device of a sweep: --device, else the spec's runtime.device; checked up front.
let deviceFor (args: ParseResults<Args>) (spec: ExperimentSpec) =
    match args.GetResult(Device, spec.Runtime.Device) with
    // a CUDA device is checked up front, where a sweep would find out cell by cell
    | d when d.StartsWith "cuda" && args.GetResult(Engine, "torch") = "torch" -> Cli.torchDevice d |> Result.map (fun _ -> d)
    | d -> Cli.device d

let run (args: ParseResults<Args>) : int =
    let file = args.GetResult File
    let sets = args.GetResults Set
    let dry = args.Contains Dry_Run

    match SpecLoading.load file sets (not dry) with
    | Error code -> code
    | Ok spec ->
        match deviceFor args spec with
        | Error problem -> Cli.invalidInput [ problem ]
        | Ok device ->
            if dry then
                dryRun spec
                preflight true spec |> Option.defaultValue Cli.Exit.Ok
            else
                execute args spec device
