/// Running cells: one cell in the current process (what `runner cell` does in its child
/// process), and a sweep that hands cells to an executor, `jobs` at a time, and carries on
/// past failures.
module GazeInsight.Experiments.Execution

open System
open System.Diagnostics
open System.IO
open System.Threading
open System.Threading.Tasks

/// Trains and evaluates one cell. Resumes from a checkpoint in the output folder if there is
/// one. Throws on failure (the message becomes the cell's recorded reason).
type Engine = CellConfig -> CellRuntime -> string -> IProgress<Progress> -> CancellationToken -> CellResult

/// How one attempt at a cell ended; every executor (child process, in-process, cluster job)
/// reports one of these.
type Outcome =
    /// This attempt trained and evaluated the cell and wrote its results.
    | Succeeded
    | Failed of reason: string
    /// Stopped on request (Ctrl-C, SIGINT/SIGTERM, the sweep going away) before finishing:
    /// not a failure; no failure.json; the next sweep resumes from the last checkpoint.
    | Interrupted
    /// Another runner holds the cell's lock, or finished the cell first: nothing done here.
    | Busy

let private experimentDirOf (cellDir: string) = Toml.dirOf (Path.TrimEndingDirectorySeparator cellDir)

let private oneLine (s: string) =
    s.Replace("\r\n", " ").Replace('\n', ' ').Replace('\r', ' ').Trim()

/// Runs the cell whose config.toml is in `dir`, in this process: lock, engine, atomic results.
let executeCell (engine: Engine) (dir: string) (progress: IProgress<Progress>) (ct: CancellationToken) : Outcome =
    let configFile = Path.Combine(dir, Store.ConfigFile)

    if not (File.Exists configFile) then
        Failed $"{configFile}: file not found"
    else
        match Store.tryLock dir with
        | None -> Busy
        | Some lockHandle ->
            use _ = lockHandle

            if File.Exists(Path.Combine(dir, Store.MetricsFile)) then
                Busy // finished by another runner between planning and locking: not ours to count
            else
                match Store.readCellConfig configFile (File.ReadAllText configFile) with
                | Error errors ->
                    let reason = String.Join("; ", errors |> List.map _.Render())
                    Store.writeFailure dir reason
                    Failed reason
                | Ok(cfg, runtime, canonical) ->
                    let id = Toml.nn (Path.GetFileName(Path.TrimEndingDirectorySeparator dir))
                    let row = $"seed {cfg.Seed}"

                    let cell =
                        { Id = id
                          Variant = row
                          Assignment = []
                          Seed = cfg.Seed
                          Config = cfg
                          Canonical = canonical }

                    if RunId.isValid id && RunId.ofCanonical canonical <> id then
                        let reason = $"{configFile}: the config does not match the folder's id (it hashes to {RunId.ofCanonical canonical}); was it edited by hand?"
                        Store.writeFailure dir reason
                        Failed reason
                    else
                        let sw = Stopwatch.StartNew()
                        Store.appendLog dir $"start on {runtime.Device} (pid {Environment.ProcessId})"
                        let mutable lastWrite = -1.0
                        // where this attempt's own measurements start (a resumed cell's earlier
                        // iterations were not trained now, so they say nothing about its rate)
                        let mutable runStart = None

                        let relay =
                            { new IProgress<Progress> with
                                member _.Report p =
                                    progress.Report p
                                    // status from elsewhere reads progress.json: refresh it twice a second
                                    let t = sw.Elapsed.TotalSeconds

                                    if runStart.IsNone then
                                        runStart <- Some(p.Iteration, t)

                                    if t - lastWrite >= 0.5 || p.Iteration = p.Iterations then
                                        lastWrite <- t
                                        Store.writeProgress dir p t runStart.Value }

                        try
                            let result = engine cfg runtime dir relay ct
                            let cellForJson = { cell with Variant = "" }
                            Store.writeResult dir cellForJson result
                            // Logged by the process that wrote the results, right after the
                            // rename, so that a kill of the sweep cannot separate the two.
                            Store.appendEvent (experimentDirOf dir) $"finished {id} seed {cfg.Seed} in {sw.Elapsed.TotalSeconds:F1} s"
                            Store.appendLog dir $"finished in {sw.Elapsed.TotalSeconds:F1} s"
                            Succeeded
                        with
                        | :? OperationCanceledException ->
                            Store.appendLog dir "interrupted (resumes from its last checkpoint)"
                            // the latest attempt was interrupted: an older failure no longer describes the cell
                            Store.clearFailure dir
                            Interrupted
                        | e ->
                            let reason = oneLine $"{e.GetType().Name}: {e.Message}"
                            Store.appendLog dir $"failed: {reason}"
                            Store.appendLog dir (e.ToString())
                            Store.writeFailure dir reason
                            Failed reason

/// Runs one cell somewhere (in a child process, or in-process for tests) and reports progress.
type Executor = Cell -> string -> IProgress<Progress> -> CancellationToken -> Task<Outcome>

/// What a sweep tells its observer.
type SweepEvent =
    | Planned of total: int * alreadyDone: int * pending: Cell list
    | Started of Cell
    | Progressed of Cell * Progress
    | Finished of Cell * seconds: float
    | CellFailed of Cell * reason: string
    | CellInterrupted of Cell
    | Skipped of Cell * reason: string

type SweepSummary =
    { Total: int
      /// Finished before this sweep started.
      AlreadyDone: int
      /// Trained by this sweep (its own Succeeded outcomes only).
      Finished: int
      /// Finished when this sweep ended, by anyone (read back from disk: a concurrent sweep's
      /// cells count here, not in Finished).
      FinishedNow: int
      Failed: (Cell * string) list
      Interrupted: Cell list
      Skipped: int }

/// Runs every unfinished cell of `spec` with `jobs` workers; failures are recorded and the
/// sweep goes on. `runtime` is written into each cell's config.toml before it runs.
let sweep
    (spec: ExperimentSpec)
    (resultsRoot: string)
    (runtime: CellRuntime)
    (jobs: int)
    (executor: Executor)
    (onEvent: SweepEvent -> unit)
    (ct: CancellationToken)
    : SweepSummary =
    let expDir = Store.experimentDir resultsRoot spec.Name
    let dirOf (c: Cell) = Store.cellDir resultsRoot spec.Name c.Id
    let states = spec.Cells |> List.map (fun c -> c.Id, Store.state (dirOf c)) |> Map.ofList
    let pending = Plan.pending spec.Cells (fun id -> states[id])
    let alreadyDone = spec.Cells.Length - pending.Length
    let gate = obj ()
    let emit e = lock gate (fun () -> onEvent e)
    emit (Planned(spec.Cells.Length, alreadyDone, pending))

    let queue = Collections.Concurrent.ConcurrentQueue<Cell>(pending)
    let finished = ref 0
    let skipped = ref 0
    let failed = Collections.Concurrent.ConcurrentBag<int * Cell * string>()
    let interrupted = Collections.Concurrent.ConcurrentBag<int * Cell>()
    let order = pending |> List.mapi (fun i c -> c.Id, i) |> Map.ofList

    let worker () =
        task {
            let mutable next = Unchecked.defaultof<Cell>

            while not ct.IsCancellationRequested && queue.TryDequeue(&next) do
                let cell = next
                let dir = dirOf cell
                Store.writeAtomic (Path.Combine(dir, Store.ConfigFile)) (Store.cellConfigText cell runtime)
                emit (Started cell)
                let sw = Stopwatch.StartNew()
                let progress = { new IProgress<Progress> with member _.Report p = emit (Progressed(cell, p)) }
                let! outcome = executor cell dir progress ct

                match outcome with
                | Succeeded ->
                    Interlocked.Increment finished |> ignore
                    emit (Finished(cell, sw.Elapsed.TotalSeconds))
                | Failed reason ->
                    failed.Add((order[cell.Id], cell, reason))
                    Store.appendEvent expDir $"failed {cell.Id} {cell.Row} seed {cell.Seed}: {reason}"
                    emit (CellFailed(cell, reason))
                | Interrupted ->
                    interrupted.Add((order[cell.Id], cell))
                    Store.appendEvent expDir $"interrupted {cell.Id} {cell.Row} seed {cell.Seed} (resumes from its last checkpoint)"
                    emit (CellInterrupted cell)
                | Busy ->
                    Interlocked.Increment skipped |> ignore
                    emit (Skipped(cell, "another runner ran or is running it"))
        }
        :> Task

    if not pending.IsEmpty then
        Store.appendEvent expDir $"sweep start: {pending.Length} of {spec.Cells.Length} cells to run, {jobs} at a time"

    let workers = [| for _ in 1 .. max 1 (min jobs (max 1 pending.Length)) -> Task.Run(fun () -> worker ()) |]
    Task.WaitAll workers

    if ct.IsCancellationRequested && not pending.IsEmpty then
        Store.appendEvent expDir $"sweep interrupted: {finished.Value} cells finished by this sweep"

    { Total = spec.Cells.Length
      AlreadyDone = alreadyDone
      Finished = finished.Value
      FinishedNow = spec.Cells |> List.filter (fun c -> Store.state (dirOf c) = Plan.Finished) |> List.length
      Failed = failed |> Seq.sortBy (fun (i, _, _) -> i) |> Seq.map (fun (_, c, r) -> c, r) |> List.ofSeq
      Interrupted = interrupted |> Seq.sortBy fst |> Seq.map snd |> List.ofSeq
      Skipped = skipped.Value }
