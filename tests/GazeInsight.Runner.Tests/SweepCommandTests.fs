module GazeInsight.Runner.Tests.SweepCommandTests

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

          test "a missing experiment file is one line naming it, exit 2" {
              use dir = new TempDir()
              let r = run dir.Path [ "sweep"; "nope.toml"; "--dry-run" ]
              Expect.equal r.ExitCode 2 "exit code"
              Expect.equal r.ErrLines.Length 1 $"one line on stderr, got:\n{r.Err}"
              Expect.stringContains r.ErrLines[0] "nope.toml" "names the file"
          } ]
