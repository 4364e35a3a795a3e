/// The Slurm executor: one `sbatch --array` over a sweep's unfinished cells, each task running
/// `runner cell <dir>` as the local executor's child processes do; squeue to know which tasks
/// are still live (so a resubmission never runs a cell twice), and the submissions record
/// under results/<experiment>/slurm/ to find them again. The cells' own folders (lock,
/// metrics.json, failure.json, checkpoints) stay the truth about the cells.
module GazeInsight.Runner.SlurmExecutor

open System
open System.Diagnostics
open System.IO
open GazeInsight.Experiments
open GazeInsight.Runner.SlurmArray

let SubmissionsFile = "submissions.tsv"

let slurmDir (expDir: string) = Path.Combine(expDir, "slurm")
let logDir (expDir: string) = Path.Combine(slurmDir expDir, "logs")

/// The log of one array task (`%A_%a.out`).
let taskLog (expDir: string) (s: Submission) = Path.Combine(logDir expDir, $"{s.JobId}_{s.Index}.out")

/// The job name of an experiment's arrays.
let jobName (experiment: string) = $"gi-{experiment}"

/// How long one Slurm command may take before the controller counts as not answering.
let private toolTimeout = TimeSpan.FromSeconds 60.0

let private oneLine (s: string) =
    s.Split('\n', StringSplitOptions.RemoveEmptyEntries ||| StringSplitOptions.TrimEntries)
    |> Array.map (fun l -> l.Replace($"{(l.Split(':')[0])}: error: ", ""))
    |> String.concat "; "

/// Runs a Slurm tool: its standard output, or one line saying why not (not on PATH, no answer
/// in time, or the tool's own error lines joined).
let runTool (name: string) (args: string list) : Result<string, string> =
    let psi = ProcessStartInfo(name)

    for a in args do
        psi.ArgumentList.Add a

    psi.RedirectStandardOutput <- true
    psi.RedirectStandardError <- true
    psi.UseShellExecute <- false

    let started =
        try
            match Process.Start psi with
            | null -> Error $"{name}: could not be started"
            | p -> Ok p
        with :? ComponentModel.Win32Exception ->
            Error $"{name}: not found on PATH (the Slurm client tools are needed on the machine that submits)"

    match started with
    | Error e -> Error e
    | Ok p ->
        use p = p
        let out = p.StandardOutput.ReadToEndAsync()
        let err = p.StandardError.ReadToEndAsync()

        if not (p.WaitForExit toolTimeout) then
            (try p.Kill true with _ -> ())
            Error $"{name}: no answer in {toolTimeout.TotalSeconds:F0} s (is slurmctld running and reachable?)"
        else
            p.WaitForExit()

            if p.ExitCode = 0 then
                Ok out.Result
            else
                let text = (err.Result + "\n" + out.Result).Trim()
                Error $"""{name}: {(if text = "" then $"exit {p.ExitCode}" else oneLine text)}"""

/// Every array task of this experiment that squeue still knows (ended ones too, for as long as
/// the controller keeps them: MinJobAge).
let queryTasks (experiment: string) : Result<TaskState list, string> =
    runTool "squeue" [ "--noheader"; "--array"; "--states=all"; $"--name={jobName experiment}"; $"--format={squeueFormat}" ]
    |> Result.map parseSqueue

/// The experiment's submissions so far (empty before the first).
let readSubmissions (expDir: string) : Submission list =
    let file = Path.Combine(slurmDir expDir, SubmissionsFile)
    if File.Exists file then parseSubmissions (File.ReadAllText file) else []

/// Each cell's latest task with what squeue says of it now (None: squeue no longer lists it).
let tasksOf (submissions: Submission list) (tasks: TaskState list) : Map<string, Submission * TaskState option> =
    latest submissions
    |> Map.map (fun _ s -> s, tasks |> List.tryFind (fun t -> t.JobId = s.JobId && t.Index = s.Index))

/// Whether a cell has a Slurm task that is queued or running now.
let isQueued (tasks: Map<string, Submission * TaskState option>) (cellId: string) =
    match Map.tryFind cellId tasks with
    | Some(_, Some t) -> isLive t.State
    | _ -> false

/// The last non-empty line of a file, if any.
let lastLine (file: string) =
    if File.Exists file then
        File.ReadLines file |> Seq.filter (fun l -> l.Trim() <> "") |> Seq.tryLast |> Option.map _.Trim()
    else
        None

/// A cell's state with its Slurm task: (state, detail). A task that ended without results and
/// without the cell recording an interruption (SIGKILL, out of memory, a node gone), or that
/// was cancelled, is failed.
let cellState (disk: Plan.CellState) (cellLogLast: string option) (task: (Submission * TaskState option) option) (taskLogLast: string option) =
    let where =
        match task with
        | Some(s, Some t) -> $"slurm {s.JobId}_{s.Index} {t.State}"
        | Some(s, None) -> $"slurm {s.JobId}_{s.Index} (no longer in squeue)"
        | None -> ""

    let live = match task with Some(_, Some t) -> isLive t.State | _ -> false
    let logged = taskLogLast |> Option.map (fun l -> $"; task log: {l}") |> Option.defaultValue ""

    match disk with
    | Plan.Finished -> "finished", where
    | Plan.Running -> "running", where
    | _ when live -> (if disk = Plan.Interrupted then "requeued" else "queued"), where
    | Plan.Failed reason -> "failed", ($"{where}: {reason}{logged}").TrimStart(':', ' ')
    // scancel: Slurm sends SIGTERM first, so the cell stopped at a checkpoint, but someone
    // cancelled it on purpose; Slurm's own SIGTERM (time limit, --signal) leaves it interrupted
    | Plan.Interrupted
    | Plan.Pending when (match task with Some(_, Some t) -> t.State = "CANCELLED" | _ -> false) ->
        "failed", $"{where}: cancelled (scancel); the next submission resumes it{logged}"
    | Plan.Interrupted when cellLogLast |> Option.exists (fun l -> l.Contains "interrupted") -> "interrupted", ($"{where}: resumes from its last checkpoint").TrimStart(':', ' ')
    | Plan.Interrupted
    | Plan.Pending when task.IsSome -> "failed", $"{where}: the task ended without results (killed? out of time or memory?){logged}"
    | Plan.Interrupted -> "interrupted", "resumes from its last checkpoint"
    | Plan.Pending -> "pending", ""

/// What `sbatch` accepted.
type Submitted =
    { JobId: string
      Script: string
      Cells: Cell list }

/// What a submission found and did.
type SubmitResult =
    { Finished: int
      /// Cells a live task or another runner has now: not submitted again.
      Live: Cell list
      Submitted: Submitted option }

/// The next free submission number's files: submit-NNN.sbatch and submit-NNN.cells.
let private nextFiles (dir: string) =
    let rec go n =
        let script = Path.Combine(dir, $"submit-%03d{n}.sbatch")
        if File.Exists script then go (n + 1) else script, Path.Combine(dir, $"submit-%03d{n}.cells")

    go 1

/// Submits one array over the cells that are neither finished nor live. `resources` are the
/// spec's [runtime.slurm] with command-line overrides. On an error (one line) nothing is left
/// that says a cell was submitted: the script, the cells file and the cell folders made for
/// this submission are removed again.
let submit
    (spec: ExperimentSpec)
    (resultsRoot: string)
    (runtime: CellRuntime)
    (resources: SlurmSpec)
    (runner: string list)
    (cellArgs: string list)
    : Result<SubmitResult, string> =
    let expDir = Store.experimentDir resultsRoot spec.Name
    let dirOf (c: Cell) = Store.cellDir resultsRoot spec.Name c.Id
    let submissions = readSubmissions expDir

    let tasks =
        if submissions.IsEmpty then Ok Map.empty
        else queryTasks spec.Name |> Result.map (tasksOf submissions)

    match tasks with
    | Error e -> Error e
    | Ok tasks ->
        let states = spec.Cells |> List.map (fun c -> c, Store.state (dirOf c))
        let finished = states |> List.filter (fun (_, s) -> s = Plan.Finished) |> List.length

        let live =
            states
            |> List.filter (fun (c, s) -> s = Plan.Running || (s <> Plan.Finished && isQueued tasks c.Id))
            |> List.map fst

        let toRun =
            states
            |> List.filter (fun (c, s) -> s <> Plan.Finished && not (List.contains c live))
            |> List.map fst

        if toRun.IsEmpty then
            Ok { Finished = finished; Live = live; Submitted = None }
        else
            let dir = slurmDir expDir
            Directory.CreateDirectory(logDir expDir) |> ignore
            let script, cellsFile = nextFiles dir

            let job =
                { JobName = jobName spec.Name
                  Resources = resources
                  Cells = toRun |> List.map dirOf
                  CellsFile = cellsFile
                  LogDir = logDir expDir
                  Runner = runner
                  CellArgs = cellArgs }

            let made = toRun |> List.map dirOf |> List.filter (Directory.Exists >> not)

            for c in toRun do
                Store.writeAtomic (Path.Combine(dirOf c, Store.ConfigFile)) (Store.cellConfigText c runtime)

            Store.writeAtomic cellsFile (cellsFileText job)
            Store.writeAtomic script (SlurmArray.script spec.Name job)

            let undo () =
                for f in [ script; cellsFile ] do
                    File.Delete f

                for d in made do
                    try
                        Directory.Delete(d, true)
                    with _ ->
                        ()

            match runTool "sbatch" [ "--parsable"; script ] with
            | Error e ->
                undo ()
                Error e
            | Ok out ->
                match parseJobId out with
                | None ->
                    undo ()
                    Error $"sbatch: no job id in its answer \"{out.Trim()}\""
                | Some id ->
                    File.AppendAllText(Path.Combine(dir, SubmissionsFile), formatSubmissions id (toRun |> List.map _.Id))
                    let rel = Path.GetRelativePath(expDir, script)
                    Store.appendEvent expDir $"slurm: submitted job {id}, an array of {toRun.Length} of {spec.Cells.Length} cells ({rel}); {finished} finished, {live.Length} live"

                    Ok
                        { Finished = finished
                          Live = live
                          Submitted = Some { JobId = id; Script = script; Cells = toRun } }

/// sacct's `JobID|State` lines (-P -X) as tasks: "12_3|COMPLETED"; other lines are dropped.
let parseSacct (output: string) : TaskState list =
    [ for line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries ||| StringSplitOptions.TrimEntries) do
          match line.Split('|') with
          | [| id; state |] ->
              match id.Split('_') with
              | [| job; index |] ->
                  match Int32.TryParse index with
                  // "CANCELLED by 0" -> CANCELLED
                  | true, i -> yield { JobId = job; Index = i; State = state.Split(' ')[0] }
                  | _ -> ()
              | _ -> ()
          | _ -> () ]

/// What `runner status` adds for an experiment run through Slurm: notes (one line each) and
/// each cell's (state, detail) where it has a task; None when nothing was ever submitted.
let status (spec: ExperimentSpec) (resultsRoot: string) : (string list * Map<string, string * string>) option =
    let expDir = Store.experimentDir resultsRoot spec.Name

    match readSubmissions expDir with
    | [] -> None
    | submissions ->
        let jobs = submissions |> List.map _.JobId |> List.distinct
        let notes = ResizeArray<string>()
        notes.Add $"""slurm: {submissions.Length} tasks submitted in {jobs.Length} job(s): {String.Join(", ", jobs)}"""

        let queued =
            match queryTasks spec.Name with
            | Ok t -> t
            | Error e ->
                notes.Add $"slurm: {e}; the states below come from the cell folders only"
                []

        // ended tasks squeue has forgotten: sacct knows them where accounting is enabled
        let accounted =
            match runTool "sacct" [ "--noheader"; "--parsable2"; "--allocations"; $"""--jobs={String.Join(",", jobs)}"""; "--format=JobID,State" ] with
            | Ok out -> parseSacct out
            | Error e ->
                notes.Add $"slurm: accounting not enabled ({e}); ended tasks show as squeue still lists them, then as their cell folders say"
                []

        let known = queued @ (accounted |> List.filter (fun a -> not (queued |> List.exists (fun q -> q.JobId = a.JobId && q.Index = a.Index))))
        let tasks = tasksOf submissions known

        let cells =
            spec.Cells
            |> List.choose (fun c ->
                match Map.tryFind c.Id tasks with
                | None -> None
                | Some(s, t) ->
                    let dir = Store.cellDir resultsRoot spec.Name c.Id
                    let cellLog = lastLine (Path.Combine(dir, Store.LogFile))
                    Some(c.Id, cellState (Store.state dir) cellLog (Some(s, t)) (lastLine (taskLog expDir s))))
            |> Map.ofList

        Some(List.ofSeq notes, cells)
