module GazeInsight.Runner.Tests.PreflightTests

open System.IO
open Expecto
open GazeInsight.Runner.Tests.RunnerProcess
open GazeInsight.Runner.Tests.TinyData

/// Three rows on ./data: FGI reads gaze and text, gaze reads gaze, full reads neither.
let private experiment =
    """
name = "incomplete"

[data]
source = "folder"
root = "data"
image_size = 32
validation_fraction = 0.25

[model]
features = [8, 8, 8, 16, 32, 8]
feature_size = 8

[method]
kind = "full"

[train]
iterations = 2
batch_size = 2

[[variant]]
name = "full"

[[variant]]
name = "gaze"
method = { kind = "gaze", threshold = 0.5 }

[[variant]]
name = "FGI"
method = { kind = "fgi", teacher_features = [8, 16, 16, 32, 64, 8], attention_heads = 4 }
"""

/// A data set with gaze maps missing for two training ids and embeddings missing for one training
/// and one test id; returns the ids.
let private incomplete (dir: TempDir) =
    let ids = writeRgb (dir.File "data") 6 2 32
    writeEmbeddings (dir.File "data") ids 16

    for id in [ "case001"; "case004" ] do
        File.Delete(Path.Combine(dir.File "data", "gaze", "heatmap", id + ".png"))

    for id in [ "case002"; "case007" ] do
        File.Delete(Path.Combine(dir.File "data", "embeddings", id + ".npy"))

    File.WriteAllText(dir.File "exp.toml", experiment)
    ids

[<Tests>]
let tests =
    testList
        "preflight"
        [ test "a sweep over data with missing gaze maps and embeddings lists every missing id and trains nothing (exit 2)" {
              use dir = new TempDir()
              incomplete dir |> ignore
              let r = run dir.Path [ "sweep"; "exp.toml"; "--results"; "results"; "--plain" ]
              Expect.equal r.ExitCode 2 $"exit code\n{r.Out}\n{r.Err}"

              for missing in
                  [ "train.txt:line 2: id 'case001' has no gaze map"
                    "train.txt:line 5: id 'case004' has no gaze map"
                    Path.Combine("embeddings", "case002.npy")
                    Path.Combine("embeddings", "case007.npy") ] do
                  Expect.stringContains r.Err missing "named in the report"

              Expect.equal (r.ErrLines |> Array.filter (fun l -> l.StartsWith "error: ")).Length 4 $"one line per problem:\n{r.Err}"
              Expect.isFalse (Directory.Exists(dir.File "results")) "no cell folder (nor the experiment's) was created"
          }

          test "--dry-run runs the same data preflight" {
              use dir = new TempDir()
              incomplete dir |> ignore
              let r = run dir.Path [ "sweep"; "exp.toml"; "--dry-run" ]
              Expect.equal r.ExitCode 2 $"exit code\n{r.Out}\n{r.Err}"
              Expect.stringContains r.Err "id 'case004' has no gaze map" "gaze"
              Expect.stringContains r.Err (Path.Combine("embeddings", "case007.npy")) "text"
          }

          test "embeddings of two sizes are one problem naming both, before any training" {
              use dir = new TempDir()
              let ids = incomplete dir
              writeEmbeddings (dir.File "data") ids 16
              writeEmbeddings (dir.File "data") [ "case003" ] 8

              for id in [ "case001"; "case004" ] do
                  File.Copy(Path.Combine(dir.File "data", "gaze", "heatmap", "case000.png"), Path.Combine(dir.File "data", "gaze", "heatmap", id + ".png"))

              let r = run dir.Path [ "sweep"; "exp.toml"; "--dry-run" ]
              Expect.equal r.ExitCode 2 $"exit code\n{r.Err}"
              Expect.stringContains r.Err "D = 8, but 'case000' has D = 16" "the odd one out"
          }

          test "a cross-field spec rule fails --dry-run at the key and line that break it" {
              use dir = new TempDir()
              File.WriteAllText(dir.File "exp.toml", "[data]\nsource = \"synthetic\"\n\n[method]\nkind = \"fgi\"\ntau_pos = 0.3\ntau_neg = 0.6\n")
              let r = run dir.Path [ "sweep"; "exp.toml"; "--dry-run" ]
              Expect.equal r.ExitCode 2 "exit code"
              Expect.equal r.ErrLines.Length 1 $"one line:\n{r.Err}"
              Expect.stringContains r.ErrLines[0] "exp.toml:7:1: method.tau_neg: must not exceed tau_pos (0.3)" "file, line, key path"
          } ]
