/// The text Slurm sees and says, as pure functions: the job-array script of a submission and
/// its index -> cell file, the submissions record, and what `sbatch --parsable` and `squeue`
/// print. The effects (writing, sbatch, squeue) are in SlurmExecutor.
module GazeInsight.Runner.SlurmArray

open System
open GazeInsight.Experiments

/// One submission: an array of `Cells.Length` tasks, task i running the cell in `Cells[i]`.
type ArrayJob =
    { /// `gi-<experiment>`: how squeue and the submissions record find the tasks again.
      JobName: string
      Resources: SlurmSpec
      /// Absolute cell folders, in task order (written to `CellsFile`, one per line).
      Cells: string list
      CellsFile: string
      /// Folder of the task logs (`%A_%a.out`: array job id, task index).
      LogDir: string
      /// The runner as a command (program and its first arguments), absolute.
      Runner: string list
      /// Arguments after `cell <dir>`, e.g. ["--engine"; "torch"].
      CellArgs: string list }

/// A word for the shell, quoted so that nothing in it is expanded.
let shellQuote (word: string) =
    if word <> "" && word |> Seq.forall (fun c -> Char.IsAsciiLetterOrDigit c || "/._-=:,+@%".Contains c) then
        word
    else
        "'" + word.Replace("'", "'\\''") + "'"

/// The `#SBATCH` options of a job, in the order sbatch's manual lists them.
let options (job: ArrayJob) : string list =
    let r = job.Resources
    let n = job.Cells.Length
    let limit = r.MaxParallel |> Option.map (fun k -> $"%%{k}") |> Option.defaultValue ""
    let log = IO.Path.Combine(job.LogDir, "%A_%a.out")

    [ yield $"--job-name={job.JobName}"
      yield $"--array=0-{n - 1}{limit}"
      yield $"--output={log}"
      // a requeued task appends to its log instead of erasing the first attempt's lines
      yield "--open-mode=append"
      match r.Partition with Some p -> yield $"--partition={p}" | None -> ()
      match r.Account with Some a -> yield $"--account={a}" | None -> ()
      match r.Time with Some t -> yield $"--time={t}" | None -> ()
      match r.Cpus with Some c -> yield $"--cpus-per-task={c}" | None -> ()
      match r.Mem with Some m -> yield $"--mem={m}" | None -> ()
      match r.Gpus with Some g when g > 0 -> yield $"--gres=gpu:{g}" | _ -> ()
      // B: to the batch shell, which is the runner itself (exec): it checkpoints and stops
      if r.SignalSeconds > 0 then yield $"--signal=B:TERM@{r.SignalSeconds}"
      if r.Requeue then yield "--requeue" else yield "--no-requeue"
      yield! r.Extra ]

/// The job script: readable, and re-runnable by hand with `sbatch <script>`.
let script (experiment: string) (job: ArrayJob) : string =
    let lines =
        [ yield "#!/bin/bash"
          yield $"# GazeInsight experiment \"{experiment}\": one array task per cell (runner sweep --executor slurm)."
          yield $"# Task i runs `runner cell` on line i+1 of {job.CellsFile}."
          yield "# Resubmit with the same runner sweep command (it skips finished and live cells), or by hand: sbatch <this file>."
          for o in options job do
              yield $"#SBATCH {o}"
          yield "set -eo pipefail"
          yield! job.Resources.Setup
          yield $"cell=$(sed -n \"$((${{SLURM_ARRAY_TASK_ID:?submit this script with sbatch}} + 1))p\" {shellQuote job.CellsFile})"
          yield $"[ -n \"$cell\" ] || {{ echo \"no cell for task $SLURM_ARRAY_TASK_ID in {job.CellsFile}\" >&2; exit 2; }}"
          // exec: the runner is the batch shell, so Slurm's signals (--signal=B:TERM) reach it
          yield "exec " + String.Join(" ", (job.Runner |> List.map shellQuote) @ [ "cell"; "\"$cell\"" ] @ (job.CellArgs |> List.map shellQuote)) ]

    String.Join("\n", lines) + "\n"

/// The index -> cell file: line i+1 is task i's cell folder.
let cellsFileText (job: ArrayJob) = String.Join("\n", job.Cells) + "\n"

/// The job id from `sbatch --parsable` ("123" or "123;cluster").
let parseJobId (output: string) : string option =
    let first = output.Trim().Split([| '\n' |], StringSplitOptions.RemoveEmptyEntries) |> Array.tryLast

    match first with
    | Some line ->
        let id = (line.Split(';')[0]).Trim()
        if id <> "" && id |> Seq.forall Char.IsAsciiDigit then Some id else None
    | None -> None

/// The squeue format the executor asks for (with -r: one line per array task).
let squeueFormat = "%F|%K|%T"

/// One array task as squeue lists it.
type TaskState =
    { JobId: string
      Index: int
      /// PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, TIMEOUT, ...
      State: string }

/// squeue's lines in `squeueFormat`; lines of other shapes are not array tasks and are dropped.
let parseSqueue (output: string) : TaskState list =
    [ for line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries ||| StringSplitOptions.TrimEntries) do
          match line.Split('|') with
          | [| job; index; state |] ->
              match Int32.TryParse index with
              | true, i -> yield { JobId = job; Index = i; State = state }
              | _ -> ()
          | _ -> () ]

/// Slurm states in which a task may still run the cell (it will hold the lock, or does).
let isLive (state: string) =
    match state with
    | "PENDING"
    | "CONFIGURING"
    | "RUNNING"
    | "COMPLETING"
    | "REQUEUED"
    | "REQUEUE_HOLD"
    | "REQUEUE_FED"
    | "RESIZING"
    | "SUSPENDED"
    | "STOPPED"
    | "SIGNALING"
    | "STAGE_OUT" -> true
    | _ -> false

/// One line of the submissions record: which task of which job runs which cell.
type Submission =
    { JobId: string
      Index: int
      CellId: string }

let formatSubmissions (jobId: string) (cellIds: string list) =
    cellIds |> List.mapi (fun i id -> $"{jobId}\t{i}\t{id}\n") |> String.concat ""

let parseSubmissions (text: string) : Submission list =
    [ for line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries) do
          match line.Trim().Split('\t') with
          | [| job; index; id |] ->
              match Int32.TryParse index with
              | true, i -> yield { JobId = job; Index = i; CellId = id }
              | _ -> ()
          | _ -> () ]

/// Each cell's latest submission (a later line replaces an earlier one).
let latest (submissions: Submission list) : Map<string, Submission> =
    submissions |> List.fold (fun m s -> Map.add s.CellId s m) Map.empty
