module GazeInsight.Runner.Tests.PaperCommandTests

open System.IO
open Expecto
open GazeInsight.Runner.Tests.RunnerProcess

let private experiment (name: string) (seed: int) =
    $"""
name = "{name}"
seeds = [0, 1]

[data]
source = "synthetic"

[data.synthetic]
test = 4
size = 32
seed = {seed}

[method]
kind = "full"

[train]
iterations = 20
eval_every = 10

[[variant]]
name = "full"

[[variant]]
name = "gaze"
method = {{ kind = "gaze", threshold = 0.5 }}
"""

let private paper =
    """
name = "tiny-paper"

[[dataset]]
name = "a"
label = "Set A"
file = "a.toml"

[[dataset]]
name = "b"
label = "Set B"
file = "b.toml"

[[table]]
name = "main"
rows = ["full", "gaze"]
baseline = "full"
"""

let private setUp (dir: TempDir) =
    File.WriteAllText(dir.File "a.toml", experiment "set-a" 0)
    File.WriteAllText(dir.File "b.toml", experiment "set-b" 1)
    File.WriteAllText(dir.File "paper.toml", paper)

[<Tests>]
let tests =
    testList
        "runner paper"
        [ test "sweep PAPER.toml sweeps each experiment, then writes the cross table; table rebuilds it from the store" {
              use dir = new TempDir()
              setUp dir
              let results = dir.File "results"
              let r = run dir.Path [ "sweep"; "paper.toml"; "--results"; results; "--engine"; "fake"; "--plain" ]
              Expect.equal r.ExitCode 0 $"exit code (stdout: {r.Out}; stderr: {r.Err})"

              for e in [ "set-a"; "set-b" ] do
                  Expect.isTrue (File.Exists(Path.Combine(results, e, "table.md"))) $"{e} was swept and its own tables written"

              let out = Path.Combine(results, "tiny-paper")
              let md = File.ReadAllText(Path.Combine(out, "main.md"))
              Expect.stringContains md "|  | Set A: Dice (%) | Set A: IoU (%) | Set B: Dice (%) | Set B: IoU (%) |" "both data sets as column groups"
              Expect.isFalse (md.Contains "–") $"every entry has a value:\n{md}"

              for ext in [ ".tex"; ".csv" ] do
                  Expect.isTrue (File.Exists(Path.Combine(out, "main" + ext))) ext

              let csvLines = File.ReadAllLines(Path.Combine(out, "main.csv"))
              Expect.equal csvLines.Length (1 + 2 * 2 * 2) "long format: data set x row x metric"

              File.Delete(Path.Combine(out, "main.md"))
              let t = run dir.Path [ "table"; "paper.toml"; "--results"; results ]
              Expect.equal t.ExitCode 0 $"table exit code ({t.Err})"
              Expect.equal (File.ReadAllText(Path.Combine(out, "main.md"))) md "the same table from stored results"
          }

          test "table PAPER.toml before any sweep shows every entry as a dash with why" {
              use dir = new TempDir()
              setUp dir
              let r = run dir.Path [ "table"; "paper.toml"; "--results"; dir.File "results" ]
              Expect.equal r.ExitCode 0 $"exit code ({r.Err})"
              Expect.stringContains r.Out "| full (baseline) | – [a] | – [a] | – [a] | – [a] |" r.Out
              Expect.stringContains r.Out "[a] no value: of 2 seeds, 2 not run" r.Out
          }

          test "a bad paper file is one line naming file, line and key, exit 2, nothing written" {
              use dir = new TempDir()
              setUp dir
              File.WriteAllText(dir.File "paper.toml", paper.Replace("rows = [", "datasets = [\"a\", \"c\"]\nrows = ["))
              let r = run dir.Path [ "table"; "paper.toml"; "--results"; dir.File "results" ]
              expectOneLineNaming r "paper.toml:16:18:"
              Expect.stringContains r.Err "table[0].datasets[1]: no data set named \"c\"" r.Err
              Expect.isFalse (Directory.Exists(dir.File "results")) "nothing written"
          } ]
