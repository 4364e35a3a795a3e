/// `runner sweep FILE --executor slurm [--wait]`: submits the unfinished cells as one Slurm job
/// array; with --wait follows it until every task has ended, then writes the tables.
module GazeInsight.Runner.Commands.SlurmSweep

open System
open System.Threading
open GazeInsight.Experiments
open GazeInsight.Runner

/// Seconds between two squeue polls of --wait.
let private pollSeconds =
    match Environment.GetEnvironmentVariable "GAZEINSIGHT_SLURM_POLL" with
    | null
    | "" -> 5.0
    | s ->
        match Double.TryParse(s, Globalization.NumberStyles.Float, Globalization.CultureInfo.InvariantCulture) with
        | true, v when v > 0.0 -> v
        | _ -> 5.0

/// The paths the tasks will use, which must exist on the compute nodes too (a shared file
/// system): they must at least exist here, as absolute paths.
let private reachable (runner: string list) (results: string) =
    [ for p in runner do
          if IO.Path.IsPathRooted p && not (IO.File.Exists p) then
              yield $"{p}: the runner is not at this path (the tasks start it by this path)"
      if not (IO.Path.IsPathRooted results) then
          yield $"{results}: the results folder must be an absolute path (the tasks find their cells by it)" ]

let private finishedCount (spec: ExperimentSpec) (results: string) =
    spec.Cells |> List.filter (fun c -> Store.state (Store.cellDir results spec.Name c.Id) = Plan.Finished) |> List.length

/// Follows the experiment's live tasks until none is left; prints a line whenever the counts
/// change. Ok false when stopped by Ctrl-C/SIGTERM (the array runs on), Error when squeue
/// stops answering.
let private follow (spec: ExperimentSpec) (results: string) (ct: CancellationToken) : Result<bool, string> =
    let expDir = Store.experimentDir results spec.Name
    let mutable last = ""
    let mutable failures = 0
    let mutable outcome = None

    while outcome.IsNone do
        match SlurmExecutor.queryTasks spec.Name with
        | Error e ->
            failures <- failures + 1
            if failures >= 5 then outcome <- Some(Error e)
        | Ok tasks ->
            failures <- 0
            let ours = SlurmExecutor.tasksOf (SlurmExecutor.readSubmissions expDir) tasks
            let live = ours |> Map.filter (fun _ (_, t) -> t |> Option.exists (fun t -> SlurmArray.isLive t.State))
            let inState state = live |> Map.filter (fun _ (_, t) -> t |> Option.exists (fun t -> t.State = state)) |> Map.count
            let queued, running = inState "PENDING", inState "RUNNING"
            // metrics.json only: probing the locks here would collide with tasks taking them
            let finished =
                spec.Cells |> List.filter (fun c -> IO.File.Exists(IO.Path.Combine(Store.cellDir results spec.Name c.Id, Store.MetricsFile))) |> List.length
            let line = $"slurm: {finished} of {spec.Cells.Length} cells done, {running} running, {queued} queued"

            if line <> last then
                printfn "%s %s" (DateTime.Now.ToString "HH:mm:ss") line
                last <- line

            if live.IsEmpty then outcome <- Some(Ok true)

        if outcome.IsNone then
            if ct.WaitHandle.WaitOne(TimeSpan.FromSeconds pollSeconds) then
                outcome <- Some(Ok false)

    outcome.Value

let run (spec: ExperimentSpec) (results: string) (runtime: CellRuntime) (engine: string) (resources: SlurmSpec) (wait: bool) : int =
    let host, prefix = ChildExecutor.selfCommand ()
    let runner = host :: prefix

    match reachable runner results with
    | _ :: _ as problems -> Cli.invalidInput problems
    | [] ->
        let clock = Diagnostics.Stopwatch.StartNew()

        match SlurmExecutor.submit spec results runtime resources runner [ "--engine"; engine ] with
        | Error e -> Cli.invalidInput [ $"{spec.File}: executor slurm: {e}" ]
        | Ok r ->
            match r.Submitted with
            | Some s ->
                printfn "submitted Slurm job %s: an array of %d cells (%s)" s.JobId s.Cells.Length s.Script
            | None -> printfn "nothing to submit"

            printfn "%s: %d of %d cells finished, %d queued or running elsewhere (not submitted again)" spec.Name r.Finished spec.Cells.Length r.Live.Length

            if not wait then
                printfn "follow it with: runner status %s; tables when it is done: runner table %s" spec.File spec.File
                Cli.Exit.Ok
            else
                use cts = new CancellationTokenSource()
                use _signals = Cli.stopOnSignals true cts

                match follow spec results cts.Token with
                | Error e -> Cli.invalidInput [ $"{spec.File}: executor slurm: {e}" ]
                | Ok false ->
                    printfn "stopped waiting; the array runs on: runner status %s" spec.File
                    ChildExecutor.InterruptedExit
                | Ok true ->
                    let text, dir = Table.writeTables spec results
                    printfn "\n%s" text
                    let finished = finishedCount spec results
                    printfn "%s: %d of %d cells finished (%.0f s from submission to table); tables in %s/table.md" spec.Name finished spec.Cells.Length clock.Elapsed.TotalSeconds dir
                    let expDir = Store.experimentDir results spec.Name
                    let tasks = SlurmExecutor.readSubmissions expDir |> SlurmArray.latest

                    let unfinished =
                        spec.Cells |> List.filter (fun c -> Store.state (Store.cellDir results spec.Name c.Id) <> Plan.Finished)

                    for c in unfinished do
                        let detail =
                            match Map.tryFind c.Id tasks with
                            | Some s ->
                                let log = SlurmExecutor.taskLog expDir s
                                let last = SlurmExecutor.lastLine log |> Option.defaultValue "(empty)"
                                $"task {s.JobId}_{s.Index}, log {log}: {last}"
                            | None -> "not submitted"

                        printfn "not finished: %s %s seed %d: %s" c.Id c.Row c.Seed detail

                    if unfinished.IsEmpty then Cli.Exit.Ok else Cli.Exit.RunsFailed
