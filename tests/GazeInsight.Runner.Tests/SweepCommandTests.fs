module GazeInsight.Runner.Tests.SweepCommandTests

open System
open System.Diagnostics
open System.IO
open System.Text.RegularExpressions
open Expecto
open GazeInsight.Runner.Tests.RunnerProcess

let private twoByTwo =
    """
name = "two-by-two"
seeds = [0, 1]

[data]
source = "synthetic"

[data.synthetic]
test = 4
size = 32

[method]
kind = "full"

[[variant]]
name = "full"

[[variant]]
name = "gaze"
method = { kind = "gaze", threshold = 0.5 }
"""

[<Tests>]
let tests =
    testList
        "runner sweep"
        [ test "--dry-run lists every cell of seeds x variants and trains nothing" {
              use dir = new TempDir()
              File.WriteAllText(dir.File "exp.toml", twoByTwo)
              let r = run dir.Path [ "sweep"; "exp.toml"; "--dry-run"; "--results"; dir.File "results" ]
              Expect.equal r.ExitCode 0 $"exit code (stderr: {r.Err})"
              let cellLines = r.Out.Split('\n') |> Array.filter (fun l -> Regex.IsMatch(l, @"^\s+[0-9a-f]{12}\s"))
              Expect.equal cellLines.Length 4 $"one line per cell in:\n{r.Out}"
              Expect.isFalse (Directory.Exists(dir.File "results")) "a dry run writes no results"
          }

          test "[runtime] threads reaches libtorch in each cell process (its log says so) and changes no id" {
              use dir = new TempDir()
              let tiny (threads: string) =
                  "name = \"threads\"\n[data]\nsource = \"synthetic\"\nimage_size = 32\nvalidation_fraction = 0.34\n"
                  + "[data.synthetic]\ntrain = 6\ntest = 2\nsize = 32\n[model]\nfeatures = [8, 8, 8, 16, 32, 8]\nfeature_size = 8\n"
                  + "[method]\nkind = \"full\"\n[train]\niterations = 2\nbatch_size = 2\neval_every = 2\n"
                  + $"[runtime]\ndevice = \"cpu\"\n{threads}"
              File.WriteAllText(dir.File "default.toml", tiny "")
              File.WriteAllText(dir.File "exp.toml", tiny "threads = 1\n")
              let ids file =
                  let r = run dir.Path [ "sweep"; file; "--dry-run" ]
                  Regex.Matches(r.Out, @"\b[0-9a-f]{12}\b") |> Seq.map _.Value |> List.ofSeq
              Expect.equal (ids "exp.toml") (ids "default.toml") "runtime keys are not part of a cell's identity"

              let r = runWithTimeout 300 dir.Path [ "sweep"; "exp.toml"; "--results"; "results"; "--plain" ]
              Expect.equal r.ExitCode 0 $"sweep exit code\n{r.Out}\n{r.Err}"
              let cell = Directory.GetDirectories(dir.File "results/threads") |> Array.filter (fun d -> Regex.IsMatch(nonNull (Path.GetFileName d), "^[0-9a-f]{12}$")) |> Array.exactlyOne
              Expect.stringContains (File.ReadAllText(Path.Combine(cell, "config.toml"))) "threads = 1" "config.toml's [runtime] carries it"
              Expect.stringContains (File.ReadAllText(Path.Combine(cell, "log.txt"))) "threads=1 (torch intra-op threads, runtime.threads)" "libtorch runs the cell with one thread"
          }

          test "a bad [runtime] threads is one line naming the file, line and key, exit 2" {
              use dir = new TempDir()
              File.WriteAllText(dir.File "exp.toml", twoByTwo + "\n[runtime]\nthreads = 0\n")
              let r = run dir.Path [ "sweep"; "exp.toml"; "--dry-run" ]
              expectOneLineNaming r "exp.toml:23:1: runtime.threads"
              Expect.stringContains r.Err "got 0" "names the value"
          }

          test "--device tpu fails the dry run with exit 2, as the same value in TOML does" {
              use dir = new TempDir()
              File.WriteAllText(dir.File "exp.toml", twoByTwo)
              let r = run dir.Path [ "sweep"; "exp.toml"; "--dry-run"; "--device"; "tpu" ]
              expectOneLineNaming r "--device"
              Expect.stringContains r.Err "\"tpu\"" "names the value"
          }

          test "--device cuda without a CUDA libtorch says what is missing and how to get it, before any cell" {
              // the default build's libtorch is the CPU package; with an external libtorch this may be a GPU machine
              if String.IsNullOrEmpty(Environment.GetEnvironmentVariable "GAZEINSIGHT_LIBTORCH") then
                  use dir = new TempDir()
                  File.WriteAllText(dir.File "exp.toml", twoByTwo)
                  let r = run dir.Path [ "sweep"; "exp.toml"; "--device"; "cuda"; "--results"; dir.File "results" ]
                  expectOneLineNaming r "--device cuda"
                  Expect.stringContains r.Err "-p:TorchBackend=external" "how to get CUDA"
                  Expect.stringContains r.Err "GAZEINSIGHT_LIBTORCH" "the variable to set"
                  Expect.isFalse (r.Err.Contains "Trace from") "no native-load trace"
                  Expect.isFalse (Directory.Exists(dir.File "results")) "no cell started"
          }

          test "Ctrl-C (SIGINT) is an interruption: exit 130, no failure.json, status and events.log say interrupted, the rerun resumes" {
              use dir = new TempDir()
              File.WriteAllText(dir.File "exp.toml", twoByTwo.Replace("[method]", "[train]\niterations = 60\neval_every = 5\n\n[method]"))
              let results = dir.File "results"
              let args = [ "sweep"; "exp.toml"; "--results"; results; "--engine"; "fake:delay=40"; "--plain" ]
              use p = start dir.Path args
              let out = p.StandardOutput.ReadToEndAsync()
              let err = p.StandardError.ReadToEndAsync()
              let expDir = Path.Combine(results, "two-by-two")
              let sw = Stopwatch.StartNew()

              let midway () =
                  Directory.Exists expDir
                  && Directory.GetDirectories expDir |> Array.exists (fun d -> File.Exists(Path.Combine(d, "progress.json")))

              while not (midway ()) && sw.Elapsed.TotalSeconds < 60.0 && not p.HasExited do
                  Threading.Thread.Sleep 50

              Threading.Thread.Sleep 300
              Expect.isFalse p.HasExited "still running when interrupted"
              signal p 2
              Expect.isTrue (p.WaitForExit 40_000) "stopped after SIGINT"
              Expect.equal p.ExitCode 130 $"exit code (stdout: {out.Result} stderr: {err.Result})"
              Expect.stringContains out.Result "interrupted" "says interrupted"
              Expect.isFalse (out.Result.Contains "FAILED") "no cell reported as failed"

              let cells = Directory.GetDirectories expDir
              for d in cells do
                  Expect.isFalse (File.Exists(Path.Combine(d, "failure.json"))) $"{d}: no failure.json"

              let events = File.ReadAllText(Path.Combine(expDir, "events.log"))
              Expect.stringContains events "interrupted" "events.log records the interruption"
              Expect.isFalse (events.Contains "failed") $"events.log records no failure:\n{events}"

              let status = run dir.Path [ "status"; "exp.toml"; "--results"; results ]
              Expect.equal status.ExitCode 0 "status"
              Expect.stringContains status.Out "1 interrupted" $"status counts it:\n{status.Out}"
              Expect.stringContains status.Out "0 failed" "and no failure"

              let again = run dir.Path args
              Expect.equal again.ExitCode 0 $"resumed (stderr: {again.Err})"
              Expect.stringContains again.Out "4 of 4 cells finished" "every cell finished"
          }

          test "a missing experiment file is one line naming it, exit 2" {
              use dir = new TempDir()
              let r = run dir.Path [ "sweep"; "nope.toml"; "--dry-run" ]
              Expect.equal r.ExitCode 2 "exit code"
              Expect.equal r.ErrLines.Length 1 $"one line on stderr, got:\n{r.Err}"
              Expect.stringContains r.ErrLines[0] "nope.toml" "names the file"
          } ]
