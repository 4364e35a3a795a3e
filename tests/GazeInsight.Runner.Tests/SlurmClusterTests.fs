/// `runner sweep --executor slurm` against a real single-node Slurm cluster (Debian's
/// slurm-wlm and munge) that each test starts and stops itself (tests/slurm/*.sh). The cells
/// run on the fake engine, so the time is Slurm's and the runner's, not training.
module GazeInsight.Runner.Tests.SlurmClusterTests

open System
open System.Diagnostics
open System.IO
open Expecto
open GazeInsight.Runner.Tests.RunnerProcess

/// The repository root (the folder above this test assembly holding GazeInsight.sln).
let private repoRoot =
    let rec up (d: DirectoryInfo | null) =
        match d with
        | null -> failtest "GazeInsight.sln not found above the test assembly"
        | d when File.Exists(Path.Combine(d.FullName, "GazeInsight.sln")) -> d.FullName
        | d -> up d.Parent

    up (DirectoryInfo AppContext.BaseDirectory)

let private script name = Path.Combine(repoRoot, "tests", "slurm", name)

/// Runs a program to completion: exit code, stdout + stderr.
let private exec (env: (string * string) list) (file: string) (args: string list) =
    let psi = ProcessStartInfo(file, args)
    psi.RedirectStandardOutput <- true
    psi.RedirectStandardError <- true
    psi.UseShellExecute <- false

    for k, v in env do
        psi.Environment[k] <- v

    use p = Process.Start psi |> nonNull
    let out = p.StandardOutput.ReadToEndAsync()
    let err = p.StandardError.ReadToEndAsync()

    if not (p.WaitForExit 120_000) then
        p.Kill true
        failtestf "%s %s did not finish in 120 s" file (String.Join(" ", args))

    p.ExitCode, out.Result + err.Result

/// A single-node cluster in a temporary folder, stopped (exactly its daemons) on dispose. A
/// machine where it cannot start fails the test with the script's one-line reason.
type LocalCluster() =
    let dir = Path.Combine(Path.GetTempPath(), "gi-slurm-" + Guid.NewGuid().ToString("N").Substring(0, 12))

    let conf =
        match exec [] (script "start-local-cluster.sh") [ dir ] with
        | 0, out when out.Contains "SLURM_CONF=" -> Path.Combine(dir, "slurm.conf")
        | code, out -> failtestf "the local Slurm cluster did not start (exit %d): %s" code (out.Trim())

    member _.Dir = dir
    member _.Conf = conf

    /// The environment a Slurm client (and the runner) needs to reach this cluster; quick polls.
    member _.Env = [ "SLURM_CONF", conf; "GAZEINSIGHT_SLURM_POLL", "0.3" ]

    /// Stops the daemons now (a controller that does not answer).
    member _.Stop() = exec [] (script "stop-local-cluster.sh") [ dir ] |> ignore

    /// A Slurm command against this cluster; fails the test unless it exits 0.
    member c.Tool (name: string) (args: string list) =
        match exec c.Env name args with
        | 0, out -> out
        | code, out -> failtestf "%s %s: exit %d: %s" name (String.Join(" ", args)) code out

    interface IDisposable with
        member c.Dispose() =
            c.Stop()

            try
                Directory.Delete(dir, true)
            with _ ->
                ()

/// `runner args` with extra environment, not waited for.
let private startWith (env: (string * string) list) (workDir: string) (args: string list) =
    let psi = ProcessStartInfo("dotnet")
    psi.ArgumentList.Add runnerDll

    for a in args do
        psi.ArgumentList.Add a

    psi.WorkingDirectory <- workDir
    psi.RedirectStandardOutput <- true
    psi.RedirectStandardError <- true
    psi.UseShellExecute <- false
    psi.Environment["CI"] <- "true"

    for k, v in env do
        psi.Environment[k] <- v

    Process.Start psi |> nonNull

let private runWith (env: (string * string) list) (workDir: string) (args: string list) =
    use p = startWith env workDir args
    let out = p.StandardOutput.ReadToEndAsync()
    let err = p.StandardError.ReadToEndAsync()

    if not (p.WaitForExit 120_000) then
        p.Kill true
        failtestf "runner %s did not finish in 120 s" (String.Join(" ", args))

    { ExitCode = p.ExitCode
      Out = out.Result
      Err = err.Result }

/// Waits for `condition` (polled every 100 ms) for at most `seconds`; fails the test with `what`.
let private waitFor (seconds: float) (what: string) (condition: unit -> bool) =
    let sw = Stopwatch.StartNew()

    while not (condition ()) do
        if sw.Elapsed.TotalSeconds > seconds then
            failtestf "waited %.0f s for %s" seconds what

        Threading.Thread.Sleep 100

/// A tiny experiment of `seeds` cells with `iterations` fake iterations and extra TOML after it.
let private experiment (dir: TempDir) (seeds: int list) (iterations: int) (extra: string) =
    let text =
        (tinySpec seeds).Replace("iterations = 4\neval_every = 2", $"iterations = {iterations}\neval_every = 2") + extra

    File.WriteAllText(dir.File "exp.toml", text)

let private cellDirs (results: string) =
    let exp = Path.Combine(results, "tiny")

    Directory.GetDirectories exp
    |> Array.filter (fun d -> File.Exists(Path.Combine(d, "config.toml")))
    |> Array.sort

let private submissionLines (results: string) =
    let file = Path.Combine(results, "tiny", "slurm", "submissions.tsv")
    if File.Exists file then File.ReadAllLines file |> Array.filter (fun l -> l.Trim() <> "") else [||]

/// The number of times a cell was started (its log's "start on" lines).
let private starts (cell: string) =
    File.ReadAllLines(Path.Combine(cell, "log.txt")) |> Array.filter (fun l -> l.Contains " start on ") |> Array.length

/// Whether squeue still lists the array task `job`_`index` as pending or running.
let private taskLive (cluster: LocalCluster) (job: string) (index: int) =
    cluster.Tool "squeue" [ "-h"; "-r"; "-t"; "all"; "-o"; GazeInsight.Runner.SlurmArray.squeueFormat ]
    |> GazeInsight.Runner.SlurmArray.parseSqueue
    |> List.exists (fun t -> t.JobId = job && t.Index = index && GazeInsight.Runner.SlurmArray.isLive t.State)

let private jobIdOf (out: string) =
    let m = Text.RegularExpressions.Regex.Match(out, @"submitted Slurm job (\d+)")
    if m.Success then m.Groups[1].Value else failtestf "no job id in:\n%s" out

[<Tests>]
let tests =
    testList
        "Slurm executor (real local cluster)"
        [ test "a sweep as one job array gives the local executor's tables and cell results, byte for byte" {
              use cluster = new LocalCluster()
              use dir = new TempDir()
              experiment dir [ 0; 1; 2; 3 ] 4 ""
              let local = run dir.Path [ "sweep"; "exp.toml"; "--results"; dir.File "local"; "--engine"; "fake"; "--plain" ]
              Expect.equal local.ExitCode 0 $"local sweep (stderr: {local.Err})"

              let r = runWith cluster.Env dir.Path [ "sweep"; "exp.toml"; "--executor"; "slurm"; "--wait"; "--results"; dir.File "slurm"; "--engine"; "fake" ]
              Expect.equal r.ExitCode 0 $"slurm sweep (stdout: {r.Out} stderr: {r.Err})"
              Expect.stringContains r.Out "an array of 4 cells" "one array over the four cells"
              Expect.stringContains r.Out "4 of 4 cells finished" "every cell finished"
              Expect.equal (submissionLines (dir.File "slurm")).Length 4 "one submission record per cell"

              let tables (results: string) =
                  Directory.GetFiles(Path.Combine(results, "tiny"))
                  |> Array.filter (fun f -> [ ".md"; ".csv"; ".tex" ] |> List.contains (nonNull (Path.GetExtension f)))
                  |> Array.map (fun f -> nonNull (Path.GetFileName f), File.ReadAllText f)
                  |> Array.sortBy fst

              let l, s = tables (dir.File "local"), tables (dir.File "slurm")
              Expect.isNonEmpty l "the local sweep wrote tables"
              Expect.sequenceEqual s l "the same table files, byte for byte"

              let cases (results: string) =
                  cellDirs results |> Array.map (fun d -> nonNull (Path.GetFileName d), File.ReadAllText(Path.Combine(d, "cases.csv")))

              Expect.sequenceEqual (cases (dir.File "slurm")) (cases (dir.File "local")) "the same cell ids with the same per-case numbers"
              let events = File.ReadAllText(Path.Combine(dir.File "slurm", "tiny", "events.log"))
              Expect.stringContains events $"slurm: submitted job {jobIdOf r.Out}" "events.log records the job id"
          }

          test "a resubmission while the array runs submits nothing twice; status shows each cell's task and its squeue state" {
              use cluster = new LocalCluster()
              use dir = new TempDir()
              // one task at a time: the others stay queued while the first runs
              experiment dir [ 0; 1; 2 ] 30 "\n[runtime.slurm]\nmax_parallel = 1\n"
              let results = dir.File "results"
              let args = [ "sweep"; "exp.toml"; "--executor"; "slurm"; "--results"; results; "--engine"; "fake:delay=100" ]
              let first = runWith cluster.Env dir.Path args
              Expect.equal first.ExitCode 0 $"first submission (stderr: {first.Err})"
              let job = jobIdOf first.Out
              Expect.equal (submissionLines results).Length 3 "three cells submitted"

              let second = runWith cluster.Env dir.Path args
              Expect.equal second.ExitCode 0 $"second submission (stderr: {second.Err})"
              Expect.stringContains second.Out "nothing to submit" "nothing submitted again"
              Expect.stringContains second.Out "3 queued or running elsewhere" "the three cells are live"
              Expect.equal (submissionLines results).Length 3 "no new submission record"

              let status = runWith cluster.Env dir.Path [ "status"; "exp.toml"; "--results"; results ]
              Expect.equal status.ExitCode 0 $"status (stderr: {status.Err})"
              Expect.stringContains status.Out $"slurm {job}_2 PENDING" $"the last task waits its turn:\n{status.Out}"
              Expect.stringContains status.Out "accounting not enabled" "says that sacct has nothing here"

              let waited = runWith cluster.Env dir.Path (args @ [ "--wait" ])
              Expect.equal waited.ExitCode 0 $"waiting (stdout: {waited.Out} stderr: {waited.Err})"
              Expect.stringContains waited.Out "3 of 3 cells finished" "all finished"

              for d in cellDirs results do
                  Expect.equal (starts d) 1 $"{d} ran once"
          }

          test "a task cancelled with scancel mid-training is failed in status, and the next submission completes the cell" {
              use cluster = new LocalCluster()
              use dir = new TempDir()
              experiment dir [ 0 ] 200 ""
              let results = dir.File "results"
              let args = [ "sweep"; "exp.toml"; "--executor"; "slurm"; "--results"; results; "--engine"; "fake:delay=50" ]
              let first = runWith cluster.Env dir.Path args
              Expect.equal first.ExitCode 0 $"submitted (stderr: {first.Err})"
              let job = jobIdOf first.Out
              let cell = cellDirs results |> Array.exactlyOne
              waitFor 60.0 "the cell to start training" (fun () -> File.Exists(Path.Combine(cell, "progress.json")))
              cluster.Tool "scancel" [ $"{job}_0" ] |> ignore
              waitFor 30.0 "the task to end" (fun () -> not (taskLive cluster job 0))

              let status = runWith cluster.Env dir.Path [ "status"; "exp.toml"; "--results"; results ]
              Expect.stringContains status.Out "0/1 finished, 0 running, 1 failed" $"counted failed:\n{status.Out}"
              Expect.stringContains status.Out $"slurm {job}_0" "names the task"
              Expect.stringContains status.Out $"slurm {job}_0 CANCELLED: cancelled" "says why"

              let again = runWith cluster.Env dir.Path (args @ [ "--wait" ])
              Expect.equal again.ExitCode 0 $"resubmitted (stdout: {again.Out} stderr: {again.Err})"
              Expect.isTrue (jobIdOf again.Out <> job) "a new job"
              Expect.stringContains again.Out "1 of 1 cells finished" "the cell finished"
          }

          test "SIGTERM to a task (Slurm's warning before its time limit) interrupts it at a checkpoint; the next submission resumes it to the uninterrupted result" {
              use cluster = new LocalCluster()
              use dir = new TempDir()
              experiment dir [ 0 ] 200 ""
              let results = dir.File "results"
              let args = [ "sweep"; "exp.toml"; "--executor"; "slurm"; "--results"; results; "--engine"; "fake:delay=50" ]
              let first = runWith cluster.Env dir.Path args
              Expect.equal first.ExitCode 0 $"submitted (stderr: {first.Err})"
              let job = jobIdOf first.Out
              let cell = cellDirs results |> Array.exactlyOne
              waitFor 60.0 "a checkpoint" (fun () -> File.Exists(Path.Combine(cell, "fake-checkpoint.txt")))
              cluster.Tool "scancel" [ "--batch"; "--signal=TERM"; $"{job}_0" ] |> ignore
              waitFor 30.0 "the task to end" (fun () -> not (taskLive cluster job 0))
              let checkpoint = int (File.ReadAllText(Path.Combine(cell, "fake-checkpoint.txt")).Trim())
              Expect.isLessThan checkpoint 200 "stopped before the end"

              let status = runWith cluster.Env dir.Path [ "status"; "exp.toml"; "--results"; results ]
              Expect.stringContains status.Out "1 interrupted" $"counted interrupted, not failed:\n{status.Out}"
              Expect.isFalse (File.Exists(Path.Combine(cell, "failure.json"))) "no failure recorded"

              let again = runWith cluster.Env dir.Path (args @ [ "--wait" ])
              Expect.equal again.ExitCode 0 $"resumed (stdout: {again.Out} stderr: {again.Err})"
              let log = File.ReadAllText(Path.Combine(cell, "log.txt"))
              Expect.stringContains log "interrupted" "the first attempt was interrupted"
              Expect.equal (starts cell) 2 "two attempts"

              let local = run dir.Path [ "sweep"; "exp.toml"; "--results"; dir.File "local"; "--engine"; "fake" ]
              Expect.equal local.ExitCode 0 "uninterrupted local run"
              let localCell = cellDirs (dir.File "local") |> Array.exactlyOne
              Expect.equal (File.ReadAllText(Path.Combine(cell, "cases.csv"))) (File.ReadAllText(Path.Combine(localCell, "cases.csv"))) "the same results"
              Expect.equal (File.ReadAllText(Path.Combine(cell, "curve.csv"))) (File.ReadAllText(Path.Combine(localCell, "curve.csv"))) "the same curve"
          }

          test "a partition the cluster does not have is one line naming the file and Slurm's reason, exit 2, nothing recorded as submitted" {
              use cluster = new LocalCluster()
              use dir = new TempDir()
              experiment dir [ 0; 1 ] 4 "\n[runtime.slurm]\npartition = \"nosuch\"\n"
              let results = dir.File "results"
              let r = runWith cluster.Env dir.Path [ "sweep"; "exp.toml"; "--executor"; "slurm"; "--results"; results; "--engine"; "fake" ]
              expectOneLineNaming r "exp.toml"
              Expect.stringContains r.Err "Invalid partition" "Slurm's reason"
              Expect.isEmpty (submissionLines results) "no submission record"
              Expect.isEmpty (Directory.GetFiles(Path.Combine(results, "tiny", "slurm"), "submit-*")) "no job script left"
              Expect.isEmpty (cellDirs results) "no cell folder left"
          }

          test "a controller that does not answer is one line, exit 2" {
              use cluster = new LocalCluster()
              cluster.Stop()
              use dir = new TempDir()
              experiment dir [ 0 ] 4 ""
              let r = runWith cluster.Env dir.Path [ "sweep"; "exp.toml"; "--executor"; "slurm"; "--results"; dir.File "results"; "--engine"; "fake" ]
              expectOneLineNaming r "exp.toml"
              Expect.stringContains r.Err "Unable to contact slurm controller" "Slurm's reason"
              Expect.isEmpty (submissionLines (dir.File "results")) "no submission record"
          }

          test "no sbatch on PATH is one line saying so, exit 2" {
              use dir = new TempDir()
              experiment dir [ 0 ] 4 ""
              let r = runWith [ "PATH", dir.Path ] dir.Path [ "sweep"; "exp.toml"; "--executor"; "slurm"; "--results"; dir.File "results"; "--engine"; "fake" ]
              expectOneLineNaming r "sbatch"
              Expect.stringContains r.Err "not found on PATH" "says what is missing"
          } ]
