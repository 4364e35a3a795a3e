/// The runner as users run it: child processes, kill and resume, exit codes and messages.
module GazeInsight.Experiments.Tests.ProcessTests

open System
open System.Diagnostics
open System.IO
open System.Text.RegularExpressions
open Expecto
open GazeInsight.Experiments
open GazeInsight.Experiments.Tests.Helpers

/// runner.dll next to this test assembly (the project references the runner).
let private runnerDll = Path.Combine(AppContext.BaseDirectory, "runner.dll")

let private start (workDir: string) (args: string list) =
    let psi = ProcessStartInfo("dotnet")
    psi.ArgumentList.Add runnerDll

    for a in args do
        psi.ArgumentList.Add a

    psi.WorkingDirectory <- workDir
    psi.RedirectStandardOutput <- true
    psi.RedirectStandardError <- true
    psi.UseShellExecute <- false
    psi.Environment["CI"] <- "true"
    Process.Start psi |> nonNull

/// Runs the runner to completion: exit code, stdout, stderr.
let runRunner (workDir: string) (args: string list) =
    use p = start workDir args
    let out = p.StandardOutput.ReadToEndAsync()
    let err = p.StandardError.ReadToEndAsync()

    if not (p.WaitForExit 120_000) then
        p.Kill true
        failtest "runner did not finish in 2 minutes"

    p.ExitCode, out.Result, err.Result

let private tinySpec (iterations: int) =
    $"""
name = "tiny"
seeds = [0, 1, 2]

[data]
source = "synthetic"

[data.synthetic]
test = 4
size = 32

[method]
kind = "full"

[train]
iterations = {iterations}
eval_every = 5

[[variant]]
name = "full"

[[variant]]
name = "gaze"
method = {{ kind = "gaze", threshold = 0.5 }}
"""

let private finishedCount (eventsFile: string) =
    if File.Exists eventsFile then
        File.ReadAllLines eventsFile |> Array.filter (fun l -> l.Contains " finished ") |> Array.length
    else
        0

[<Tests>]
let tests =
    testSequenced
    <| testList
        "processes"
        [ test "kill a sweep mid-way, resume: every cell finished exactly once, no truncated file" {
              use tmp = new TempDir()
              let file = Path.Combine(tmp.Path, "tiny.toml")
              File.WriteAllText(file, tinySpec 40)
              let results = Path.Combine(tmp.Path, "results")
              let expDir = Path.Combine(results, "tiny")
              let events = Path.Combine(expDir, Store.EventsFile)
              let args = [ "sweep"; file; "--results"; results; "--engine"; "fake:delay=40"; "--plain"; "--jobs"; "2" ]
              use p = start tmp.Path args
              let sw = Stopwatch.StartNew()

              // A cell is mid-training when it has written progress past its first checkpoint
              // (iteration 5) but no metrics yet.
              let midway () =
                  Directory.Exists expDir
                  && Directory.GetDirectories expDir
                     |> Array.exists (fun d ->
                         not (File.Exists(Path.Combine(d, Store.MetricsFile)))
                         && (match Store.readProgress d with
                             | Some(pr, _) -> pr.Iteration >= 8 && pr.Iteration < pr.Iterations
                             | None -> false))

              while not (finishedCount events >= 2 && midway ()) && sw.Elapsed.TotalSeconds < 60.0 && not p.HasExited do
                  Threading.Thread.Sleep 20

              Expect.isFalse p.HasExited "the sweep was still running when killed"
              p.Kill true
              p.WaitForExit()
              let before = finishedCount events
              Expect.isLessThan before 6 "killed before the end"

              let code, out, err = runRunner tmp.Path args
              Expect.equal code 0 $"resumed sweep exit code (stdout: {out} stderr: {err})"
              let spec = (Spec.load Spec.diskReader Spec.defaultOptions file) |> Result.defaultWith (fun _ -> failwith "spec")

              let finishedIds =
                  File.ReadAllLines events
                  |> Array.choose (fun l ->
                      let m = Regex.Match(l, " finished ([0-9a-f]{12}) ")
                      if m.Success then Some m.Groups[1].Value else None)

              for c in spec.Cells do
                  let n = finishedIds |> Array.filter ((=) c.Id) |> Array.length
                  Expect.equal n 1 $"cell {c.Id} finished exactly once"
                  let dir = Store.cellDir results "tiny" c.Id
                  let r = Store.readResult dir
                  Expect.isSome r "result readable"
                  Expect.equal r.Value.Cases.Length 8 "4 cases x 2 checkpoints: cases.csv complete"
                  Expect.equal r.Value.Curve.Length 8 "40 / 5 curve points"

              // The cell interrupted by the kill resumed from its checkpoint rather than restarting.
              let resumed =
                  spec.Cells
                  |> List.filter (fun c ->
                      let log = File.ReadAllText(Path.Combine(Store.cellDir results "tiny" c.Id, Store.LogFile))
                      Regex.Matches(log, " start ").Count = 2)

              let logs =
                  spec.Cells
                  |> List.map (fun c -> c.Id + ":\n" + File.ReadAllText(Path.Combine(Store.cellDir results "tiny" c.Id, Store.LogFile)))

              Expect.isNonEmpty resumed ("one cell was started twice; logs:\n" + String.Join("\n", logs))
              Expect.stringContains out "6 of 6 cells finished" "summary line"
              Expect.isTrue (File.Exists(Path.Combine(results, "tiny", "table.md"))) "table written"
          }

          test "a crashing cell is recorded as failed and the sweep goes on (exit 3)" {
              use tmp = new TempDir()
              let file = Path.Combine(tmp.Path, "tiny.toml")
              File.WriteAllText(file, (tinySpec 10).Replace("seeds = [0, 1, 2]", "seeds = [0, 1]"))
              let results = Path.Combine(tmp.Path, "results")
              let code, out, _ = runRunner tmp.Path [ "sweep"; file; "--results"; results; "--engine"; "fake:crash=1"; "--plain" ]
              Expect.equal code 3 "some runs failed"
              Expect.stringContains out "2 of 4 cells finished" "the others finished"
              Expect.stringContains out "exit 134, SIGABRT" "reason names the crash"

              let code2, out2, _ = runRunner tmp.Path [ "status"; file; "--results"; results ]
              Expect.equal code2 0 "status"
              Expect.stringContains out2 "tiny: 2/4 finished, 0 running, 2 failed, 0 interrupted, 0 pending" "status summary"
          }

          test "an invalid spec exits 2 with one line per problem; a usage error exits 1" {
              use tmp = new TempDir()
              let file = Path.Combine(tmp.Path, "bad.toml")
              File.WriteAllText(file, "[data]\nsource = \"synthetic\"\n[method]\nkind = \"full\"\n[train]\nitrations = 5\n")
              let code, _, err = runRunner tmp.Path [ "sweep"; file; "--dry-run" ]
              Expect.equal code 2 "invalid input"
              Expect.equal (err.Trim()) $"error: {file}:6:1: train.itrations: unknown key; did you mean `iterations`?" "message"
              let code1, _, _ = runRunner tmp.Path [ "sweep"; "--jobs"; "x"; file ]
              Expect.equal code1 1 "usage"
          }

          test "dry-run lists cells with ids and differences from the base" {
              use tmp = new TempDir()
              let file = Path.Combine(tmp.Path, "tiny.toml")
              File.WriteAllText(file, tinySpec 10)
              let code, out, _ = runRunner tmp.Path [ "sweep"; file; "--dry-run" ]
              Expect.equal code 0 "ok"
              Expect.stringContains out "tiny: 6 cells (3 seeds x 2 variants)" "header"
              Expect.stringContains out "method.kind=\"gaze\", method.threshold=0.5" "differences"
              Expect.isFalse (Directory.Exists(Path.Combine(tmp.Path, "results"))) "nothing written"
          } ]
