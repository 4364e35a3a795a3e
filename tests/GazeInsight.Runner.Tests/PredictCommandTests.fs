module GazeInsight.Runner.Tests.PredictCommandTests

open System.Collections
open System.IO
open System.Text.RegularExpressions
open Expecto
open GazeInsight.Runner.Tests.RunnerProcess
open GazeInsight.Runner.Tests.TinyData

/// A one-cell experiment on ./data: tiny widths, two iterations, CPU.
let private experiment (layout: string) (methodTable: string) =
    $"""
name = "tiny"

[data]
source = "folder"
root = "data"
layout = "{layout}"
image_size = 32
validation_fraction = 0.25

[model]
features = [8, 8, 8, 16, 32, 8]
feature_size = 8

{methodTable}

[train]
iterations = 2
batch_size = 2
eval_every = 2

[runtime]
device = "cpu"
"""

let private fgi =
    "[method]\nkind = \"fgi\"\nteacher_features = [8, 16, 16, 32, 64, 8]\nattention_heads = 4\nramp_up = 2"

/// Trains the experiment's one cell with `runner sweep`; returns the cell's folder.
let private trainOneCell (dir: TempDir) (toml: string) =
    File.WriteAllText(dir.File "exp.toml", toml)
    let r = runWithTimeout 600 dir.Path [ "sweep"; "exp.toml"; "--results"; "results"; "--plain" ]
    Expect.equal r.ExitCode 0 $"sweep exit code\n{r.Out}\n{r.Err}"

    match Directory.GetDirectories(Path.Combine(dir.Path, "results", "tiny")) |> Array.filter (fun d -> Regex.IsMatch(nonNull (Path.GetFileName d), "^[0-9a-f]{12}$")) with
    | [| cell |] -> cell
    | other -> failtestf "expected one cell folder, got %A" other

let private predict (dir: TempDir) (args: string list) = runWithTimeout 300 dir.Path ("predict" :: args)

let private expectMasks (outDir: string) (ids: string list) =
    for id in ids do
        Expect.isTrue (File.Exists(Path.Combine(outDir, "masks", id + ".png"))) $"mask of {id} in {outDir}"

[<Tests>]
let tests =
    testSequenced
    <| testList
        "runner predict"
        [ test "an FGI cell trained on 768-d embeddings (the authors' RoBERTa size) predicts, and refuses 384-d ones" {
              use dir = new TempDir()
              let ids = writeRgb (dir.File "data") 6 2 32
              writeEmbeddings (dir.File "data") ids 768
              let cell = trainOneCell dir (experiment "generic" fgi)

              let r = predict dir [ "--checkpoint"; cell; "--data"; "data"; "--out"; "out" ]
              Expect.equal r.ExitCode 0 $"predict exit code\n{r.Out}\n{r.Err}"
              expectMasks (dir.File "out") (ids |> List.skip 6)
              Expect.stringContains r.Out "(student, best checkpoint)" "the default output is the one that picked the checkpoint"

              let teacher = predict dir [ "--checkpoint"; cell; "--data"; "data"; "--out"; "out-teacher"; "--output"; "teacher" ]
              Expect.equal teacher.ExitCode 0 $"teacher (reads the text)\n{teacher.Err}"
              Expect.isTrue (File.Exists(Path.Combine(dir.File "out-teacher", "attention", "case006_x1.png"))) "attention maps of the text fusion"

              // the same images with 384-d embeddings: the cell's networks cannot read them
              let other = dir.File "data384"
              writeRgb other 6 2 32 |> ignore
              writeEmbeddings other ids 384
              let wrong = predict dir [ "--checkpoint"; cell; "--data"; "data384"; "--out"; "out384" ]
              Expect.equal wrong.ExitCode 2 $"exit code\n{wrong.Err}"
              Expect.equal wrong.ErrLines.Length 1 $"one line:\n{wrong.Err}"
              Expect.stringContains wrong.ErrLines[0] "D = 384, but the cell was trained on D = 768" "names both sizes"
          }

          test "an FGI cell trained on 384-d embeddings (MiniLM) predicts" {
              use dir = new TempDir()
              let ids = writeRgb (dir.File "data") 6 2 32
              writeEmbeddings (dir.File "data") ids 384
              let cell = trainOneCell dir (experiment "generic" fgi)
              let r = predict dir [ "--checkpoint"; cell; "--data"; "data"; "--out"; "out"; "--output"; "average" ]
              Expect.equal r.ExitCode 0 $"predict exit code\n{r.Out}\n{r.Err}"
              expectMasks (dir.File "out") (ids |> List.skip 6)

              // the report the sweep wrote: its gallery shows the cell's predictions and the teacher's attention
              let html = File.ReadAllText(Path.Combine(dir.Path, "results", "tiny", "report", "index.html"))
              let count (s: string) = Regex.Matches(html, Regex.Escape s).Count
              Expect.stringContains html "predictions of seed 0 (cell" "says whose predictions"
              Expect.equal (count "prediction (green) and ground truth (blue)") 2 "a prediction per test case"
              Expect.equal (count "teacher attention x4") 2 "four attention maps per test case"

              // a checkpoint that no longer loads: the report is still written and says why it has no predictions
              File.WriteAllText(Path.Combine(cell, "checkpoints", "best", "student.bin"), "not a checkpoint")
              let report = runWithTimeout 300 dir.Path [ "report"; "exp.toml"; "--results"; "results" ]
              Expect.equal report.ExitCode 0 $"report exit code\n{report.Err}"
              let again = File.ReadAllText(Path.Combine(dir.Path, "results", "tiny", "report", "index.html"))
              Expect.stringContains again "no predictions (" "the gallery says it has none"
              Expect.isFalse (again.Contains "teacher attention x4") "and shows none"
          }

          test "PyTorch weights imported into an experiment's cell (the same factory builds the networks) predict" {
              use dir = new TempDir()
              let ids = writeRgb (dir.File "data") 6 2 32
              writeEmbeddings (dir.File "data") ids 768
              File.WriteAllText(dir.File "exp.toml", experiment "generic" fgi)

              // what the released Python code would have saved: the two networks' state dicts
              GazeInsight.Torch.Backend.TorchBackend.Initialise()
              let pickle (name: string) (m: TorchSharp.torch.nn.Module) =
                  let table = Hashtable()

                  for KeyValue(k, v) in m.state_dict() do
                      table[k] <- v

                  TorchSharp.PyBridge.PyTorchPickler.PickleStateDict(dir.File name, table)

              do
                  use teacher = new GazeInsight.Torch.Networks.TeacherNet(3, [| 8; 16; 16; 32; 64; 8 |], 32, 768, 8, heads = 4)
                  use student = new GazeInsight.Torch.Networks.StudentNet(3, [| 8; 8; 8; 16; 32; 8 |], [| 8; 16; 16; 32; 64; 8 |], 8)
                  pickle "teacher.pt" teacher
                  pickle "student.pt" student

              let import network file =
                  runWithTimeout 300 dir.Path [ "import-checkpoint"; "--config"; "exp.toml"; "--network"; network; "--from"; file; "--out"; "cell" ]

              let partial = import "teacher" "teacher.pt"
              Expect.equal partial.ExitCode 0 $"teacher\n{partial.Out}\n{partial.Err}"
              let early = predict dir [ "--checkpoint"; "cell"; "--data"; "data"; "--out"; "out" ]
              Expect.equal early.ExitCode 2 "the student is not there yet"
              Expect.stringContains early.Err "student.bin: missing" "names the missing network"

              let r = import "student" "student.pt"
              Expect.equal r.ExitCode 0 $"student\n{r.Out}\n{r.Err}"
              Expect.stringContains (File.ReadAllText(Path.Combine(dir.File "cell", "checkpoints", "data-shape.json"))) "768" "D read from the teacher's weights"
              let predicted = predict dir [ "--checkpoint"; "cell"; "--data"; "data"; "--out"; "out" ]
              Expect.equal predicted.ExitCode 0 $"predict\n{predicted.Out}\n{predicted.Err}"
              expectMasks (dir.File "out") (ids |> List.skip 6)
          }

          test "a cell trained on 1-channel MRI slices predicts them" {
              use dir = new TempDir()
              let ids = writeMri (dir.File "data") 6 2
              let cell = trainOneCell dir (experiment "nci-isbi" "[method]\nkind = \"gaze\"\nthreshold = 0.5")
              let r = predict dir [ "--checkpoint"; cell; "--data"; "data"; "--layout"; "nci-isbi"; "--out"; "out" ]
              Expect.equal r.ExitCode 0 $"predict exit code\n{r.Out}\n{r.Err}"
              expectMasks (dir.File "out") (ids |> List.skip 6)
          } ]
