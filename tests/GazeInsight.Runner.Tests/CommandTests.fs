/// One end-to-end test per command on tiny data: the exit code, the files written, and the
/// one-line message for a representative bad input.
module GazeInsight.Runner.Tests.CommandTests

open System
open System.IO
open Expecto
open GazeInsight.Runner.Tests.RunnerProcess

let private fakeSpec = tinySpec [ 0; 1 ]

/// A cell trained for real (torch, 2 iterations at 32 px) once for every test that needs one.
let private trainedCell =
    lazy
        (let dir = new TempDir()
         AppDomain.CurrentDomain.ProcessExit.Add(fun _ -> (dir :> IDisposable).Dispose())

         File.WriteAllText(
             dir.File "exp.toml",
             """
name = "torch-tiny"
seeds = [0]

[data]
source = "synthetic"
image_size = 32

[data.synthetic]
train = 6
test = 2
size = 32

[model]
features = [4, 4, 8, 8, 16, 4]
feature_size = 8

[method]
kind = "full"

[train]
iterations = 2
eval_every = 2
batch_size = 2
"""
         )

         let r = runWithTimeout 600 dir.Path [ "sweep"; "exp.toml"; "--results"; dir.File "results"; "--cache"; dir.File "cache"; "--device"; "cpu" ]

         if r.ExitCode <> 0 then
             failtestf "the tiny torch sweep failed (%d): %s %s" r.ExitCode r.Out r.Err

         let expDir = dir.File "results/torch-tiny"
         // the experiment folder also holds the sweep's report/: the cell is the folder with a config
         let cell =
             Directory.GetDirectories expDir
             |> Array.filter (fun d -> File.Exists(Path.Combine(d, "config.toml")))
             |> Array.exactlyOne
         let data = Directory.GetDirectories(dir.File "cache") |> Array.exactlyOne
         dir, cell, data)

let private lines (text: string) =
    text.Split('\n', StringSplitOptions.RemoveEmptyEntries ||| StringSplitOptions.TrimEntries)

[<Tests>]
let tests =
    testSequenced
    <| testList
        "commands"
        [ test "table: rebuilds the tables from stored results; an unknown --set key is one line, exit 2" {
              use dir = new TempDir()
              File.WriteAllText(dir.File "exp.toml", fakeSpec)
              let results = dir.File "results"
              let sweep = run dir.Path [ "sweep"; "exp.toml"; "--engine"; "fake"; "--results"; results ]
              Expect.equal sweep.ExitCode 0 $"sweep: {sweep.Err}"
              File.Delete(Path.Combine(results, "tiny", "table.md"))
              let r = run dir.Path [ "table"; "exp.toml"; "--results"; results ]
              Expect.equal r.ExitCode 0 $"table: {r.Err}"

              for f in [ "table.md"; "main.md"; "main.tex"; "main.csv"; "main-dice.png"; "curves.png" ] do
                  Expect.isTrue (File.Exists(Path.Combine(results, "tiny", f))) $"{f} written"

              let bad = run dir.Path [ "table"; "exp.toml"; "--results"; results; "--set"; "train.itrations=3" ]
              expectOneLineNaming bad "train.itrations"
          }

          test "status: counts finished cells; a missing experiment file is one line, exit 2" {
              use dir = new TempDir()
              File.WriteAllText(dir.File "exp.toml", fakeSpec)
              let results = dir.File "results"
              run dir.Path [ "sweep"; "exp.toml"; "--engine"; "fake"; "--results"; results ] |> ignore
              let r = run dir.Path [ "status"; "exp.toml"; "--results"; results ]
              Expect.equal r.ExitCode 0 "status"
              Expect.stringContains r.Out "tiny: 2/2 finished" "summary"
              expectOneLineNaming (run dir.Path [ "status"; "nope.toml" ]) "nope.toml"
          }

          test "sweep: two concurrent sweeps of one file print 'done' only for their own cells and count every finished one" {
              use dir = new TempDir()
              File.WriteAllText(dir.File "exp.toml", tinySpec [ 0..5 ])
              let args = [ "sweep"; "exp.toml"; "--engine"; "fake:delay=60"; "--results"; dir.File "results"; "--plain" ]
              use a = start dir.Path args
              let aOut = a.StandardOutput.ReadToEndAsync()
              Threading.Thread.Sleep 1500
              let b = run dir.Path args
              a.WaitForExit()
              let doneLines (out: string) = lines out |> Array.filter (fun l -> l.Contains " done ") |> Array.length
              let total = doneLines aOut.Result + doneLines b.Out
              Expect.equal total 6 $"six 'done' lines between them:\nA:\n{aOut.Result}\nB:\n{b.Out}"

              for out in [ aOut.Result; b.Out ] do
                  let m = Text.RegularExpressions.Regex.Match(out, @"(\d) of 6 cells finished \((\d) trained by this run")
                  Expect.isTrue m.Success $"summary line in:\n{out}"
                  Expect.equal (int m.Groups[2].Value) (doneLines out) "trained by this run = its 'done' lines"

              // either sweep may end last (B skips the cell A is still training and can end first)
              Expect.isTrue
                  ([ aOut.Result; b.Out ] |> List.exists (fun out -> out.Contains "6 of 6 cells finished"))
                  $"the sweep that ended last counts all six:\nA:\n{aOut.Result}\nB:\n{b.Out}"
          }

          test "eval: per-case CSV of two folders and of two single files; a probability map is refused without --threshold" {
              use dir = new TempDir()
              let data = tinyDataset (dir.File "data")
              let masks = Path.Combine(data, "masks")
              let r = run dir.Path [ "eval"; "--pred"; masks; "--gt"; masks; "--out"; dir.File "m.csv" ]
              Expect.equal r.ExitCode 0 $"eval: {r.Err}"
              let csv = File.ReadAllLines(dir.File "m.csv")
              Expect.equal csv[0] "case,dice,iou,hd,hd95,asd,assd,masd" "header"
              Expect.equal csv.Length (1 + Directory.GetFiles(masks).Length) "one row per case"
              let files = Directory.GetFiles masks |> Array.sort
              let single = run dir.Path [ "eval"; "--pred"; files[0]; "--gt"; files[1]; "--out"; dir.File "one.csv" ]
              Expect.equal single.ExitCode 0 $"two single files with different names: {single.Err}"
              Expect.equal (File.ReadAllLines(dir.File "one.csv")).Length 2 "one case"
              let prob = dir.File "prob.npy"
              GazeInsight.Imaging.IO.NpyFile.WriteFloat32(prob, ReadOnlySpan [| 0.0f; 0.2f; 0.7f; 1.0f |], [| 2; 2 |])
              let bad = run dir.Path [ "eval"; "--pred"; prob; "--gt"; prob; "--out"; dir.File "p.csv" ]
              Expect.equal bad.ExitCode 2 "invalid input"
              Expect.equal bad.ErrLines.Length 2 "one line per file (prediction and ground truth)"
              Expect.stringContains bad.ErrLines[0] prob "names the file"
              Expect.stringContains bad.ErrLines[0] "--threshold" "says how to binarise"
              let ok = run dir.Path [ "eval"; "--pred"; prob; "--gt"; prob; "--out"; dir.File "p.csv"; "--threshold"; "0.5" ]
              Expect.equal ok.ExitCode 0 $"with --threshold: {ok.Err}"
          }

          test "bench-metrics: tiny run prints its figures; a negative count is a usage error" {
              use dir = new TempDir()
              let r = run dir.Path [ "bench-metrics"; "--count-2d"; "2"; "--count-3d"; "0"; "--brute-2d"; "1" ]
              Expect.equal r.ExitCode 0 $"bench: {r.Err}"
              Expect.stringContains r.Out "2D 512x512: 2 pairs" "figures"
              Expect.stringContains r.Out "brute-force check on 1 pairs" "brute force"
              Expect.equal (run dir.Path [ "bench-metrics"; "--count-2d"; "-1" ]).ExitCode 1 "usage"
          }

          test "data inspect and check: a good file and data set; a truncated PNG is one line naming it" {
              use dir = new TempDir()
              let data = tinyDataset (dir.File "data")
              let png = Directory.GetFiles(Path.Combine(data, "images")) |> Array.sort |> Array.head
              let i = run dir.Path [ "data"; "inspect"; png; "--json" ]
              Expect.equal i.ExitCode 0 $"inspect: {i.Err}"
              Expect.stringContains i.Out "\"shape\":[" "JSON"
              let c = run dir.Path [ "data"; "check"; "--data"; data; "--layout"; "generic" ]
              Expect.equal c.ExitCode 0 $"check: {c.Out} {c.Err}"
              Expect.stringContains c.Out "ok: no problems" "clean"
              let broken = dir.File "broken.png"
              File.WriteAllBytes(broken, File.ReadAllBytes(png)[0..40])
              expectOneLineNaming (run dir.Path [ "data"; "inspect"; broken ]) broken
          }

          test "gaze simulate, build, stats, benchmark on a tiny set; a missing data folder is one line" {
              use dir = new TempDir()
              let data = dir.File "copy"
              copyTree (tinyDataset (dir.File "data")) data
              let csv = dir.File "fix.csv"
              let sim = run dir.Path [ "gaze"; "simulate"; "--data"; data; "--out"; csv ]
              Expect.equal sim.ExitCode 0 $"simulate: {sim.Err}"
              Expect.isTrue (File.Exists csv) "fixations written"
              Directory.Delete(Path.Combine(data, "gaze", "heatmap"), true)
              let build = run dir.Path [ "gaze"; "build"; "--data"; data; "--fixations"; csv ]
              Expect.equal build.ExitCode 0 $"build: {build.Err}"
              Expect.isNonEmpty (Directory.GetFiles(Path.Combine(data, "gaze", "heatmap"))) "heatmaps written"
              Expect.isFalse (build.Out.Contains "NaN") "no NaN in the summary"
              let stats = run dir.Path [ "gaze"; "stats"; "--fixations"; csv; "--out"; dir.File "s.md" ]
              Expect.equal stats.ExitCode 0 $"stats: {stats.Err}"
              Expect.stringContains (File.ReadAllText(dir.File "s.md")) "| annotation |" "Markdown table"
              let bench = run dir.Path [ "gaze"; "benchmark"; "--data"; data; "--fixations"; csv; "--limit"; "2"; "--thresholds"; "0.5" ]
              Expect.equal bench.ExitCode 0 $"benchmark: {bench.Err}"
              Expect.stringContains bench.Out "| 0.5 |" "a row per threshold"
              let none = dir.File "none"
              let bad = run dir.Path [ "gaze"; "build"; "--data"; none; "--fixations"; csv ]
              expectOneLineNaming bad none
          }

          test "gaze benchmark --experiment scores the synthetic set the experiment's data (with --set) describes; a bad key is one line" {
              use dir = new TempDir()
              File.WriteAllText(
                  dir.File "exp.toml",
                  "[data]\nsource = \"synthetic\"\n[data.synthetic]\ntrain = 3\ntest = 1\nsize = 32\n[method]\nkind = \"full\"\n"
              )
              let args = [ "gaze"; "benchmark"; "--experiment"; "exp.toml"; "--cache"; dir.File "cache"; "--thresholds"; "0.5" ]
              let bench =
                  run dir.Path (args @ [ "--set"; "data.synthetic.decoys=1"; "--set"; "data.synthetic.decoy_dwell=0.5"; "--set"; "data.synthetic.heatmap_sigma=50" ])
              Expect.equal bench.ExitCode 0 $"benchmark: {bench.Err}"
              Expect.stringContains bench.Out "decoys 1, decoy dwell 0.5, gaze spill 0)" "the options of the set it scored"
              Expect.stringContains bench.Out "heatmap sigma 50;" "the set's own sigma, not the layout's default (70)"
              Expect.stringContains bench.Out "images: 4;" "every image of the set"
              Expect.stringContains bench.Out "| 0.5 |" "a row per threshold"
              let bad = run dir.Path (args @ [ "--set"; "data.synthetic.decoy_dwell=0.5" ])
              expectOneLineNaming bad "data.synthetic.decoy_dwell"
          }

          test "gaze build with fixations matching no image: one line, exit 2, no 'heatmap NaN ms'" {
              use dir = new TempDir()
              let data = dir.File "copy"
              copyTree (tinyDataset (dir.File "data")) data
              let csv = dir.File "other.csv"
              File.WriteAllText(csv, (File.ReadAllText(Path.Combine(data, "gaze", "fixations.csv"))).Replace("syn_", "other_"))
              let r = run dir.Path [ "gaze"; "build"; "--data"; data; "--fixations"; csv ]
              Expect.equal r.ExitCode 2 "no image built"
              Expect.isFalse (r.Out.Contains "NaN") $"no NaN timing: {r.Out}"
          }

          test "text similarity, bench and embed; one sentence is a usage error; a bad endpoint is one line" {
              use dir = new TempDir()
              let sim = run dir.Path [ "text"; "similarity"; "The weather is lovely today."; "It's so sunny outside!" ]
              Expect.equal sim.ExitCode 0 $"similarity: {sim.Err}"
              Expect.stringStarts (sim.Out.Trim()) "0.66" "the published cosine (0.6660)"
              let bench = run dir.Path [ "text"; "bench"; "--count"; "2"; "--batch-sizes"; "1" ]
              Expect.equal bench.ExitCode 0 $"bench: {bench.Err}"
              let data = dir.File "copy"
              copyTree (tinyDataset (dir.File "data")) data
              let embed = run dir.Path [ "text"; "embed"; "--data"; data ]
              Expect.equal embed.ExitCode 0 $"embed: {embed.Err}"
              Expect.equal (Directory.GetFiles(Path.Combine(data, "embeddings"), "*.npy")).Length 8 "one .npy per image"
              Expect.equal (run dir.Path [ "text"; "similarity"; "one" ]).ExitCode 1 "usage"
              let bad = run dir.Path [ "text"; "describe"; "--data"; data; "--endpoint"; "not a url"; "--model"; "m" ]
              Expect.equal bad.ExitCode 1 "usage"
              Expect.equal bad.ErrLines.Length 1 $"one line: {bad.Err}"
              Expect.stringContains bad.ErrLines[0] "--endpoint" "names the option"
          }

          test "predict: masks and overlays from a trained cell, no attention/ for a method without; a folder that is no cell is one line" {
              let _, cell, data = trainedCell.Force()
              use dir = new TempDir()
              let out = dir.File "out"
              let r = run dir.Path [ "predict"; "--checkpoint"; cell; "--data"; data; "--out"; out; "--device"; "cpu" ]
              Expect.equal r.ExitCode 0 $"predict: {r.Out} {r.Err}"
              Expect.equal (Directory.GetFiles(Path.Combine(out, "masks"))).Length 2 "a mask per test image"
              Expect.equal (Directory.GetFiles(Path.Combine(out, "overlays"))).Length 2 "an overlay per test image"
              Expect.isFalse (Directory.Exists(Path.Combine(out, "attention"))) "no empty attention/"
              let bad = run dir.Path [ "predict"; "--checkpoint"; dir.Path; "--data"; data; "--out"; out ]
              expectOneLineNaming bad "config.toml"
              let tpu = run dir.Path [ "predict"; "--checkpoint"; cell; "--data"; data; "--out"; out; "--device"; "tpu" ]
              expectOneLineNaming tpu "--device"
          }

          test "import-checkpoint: a safetensors state dict into a BasicUNet; a missing file is one line" {
              use dir = new TempDir()
              GazeInsight.Torch.Backend.TorchBackend.Initialise()
              let source = dir.File "unet.safetensors"

              do
                  use net = new GazeInsight.Torch.Networks.BasicUNet(1, 2, [| 4; 4; 8; 8; 16; 4 |])
                  TorchSharp.PyBridge.PyBridgeModuleExtensions.save_safetensors (net, source) |> ignore

              let out = dir.File "ckpt/model.bin"
              let args = [ "import-checkpoint"; "--from"; source; "--network"; "unet"; "--features"; "4,4,8,8,16,4"; "--in-channels"; "1"; "--out"; out ]
              let r = run dir.Path args
              Expect.equal r.ExitCode 0 $"import: {r.Out} {r.Err}"
              Expect.isTrue (File.Exists out) "weights written"
              let missing = dir.File "nope.pt"
              let bad = run dir.Path [ "import-checkpoint"; "--from"; missing; "--network"; "unet"; "--out"; out ]
              expectOneLineNaming bad missing
          }

          test "bench-train-step: one tiny timed step on the CPU at --threads 1; --device tpu and --threads 0 are one line, exit 2" {
              use dir = new TempDir()
              let r = runWithTimeout 300 dir.Path [ "bench-train-step"; "--size"; "32"; "--batch"; "2"; "--iterations"; "1"; "--warmup"; "0"; "--threads"; "1" ]
              Expect.equal r.ExitCode 0 $"bench: {r.Err}"
              Expect.stringContains r.Out "img/s" "figures"
              Expect.stringContains r.Out "(1 threads)" "the thread count asked for is the one libtorch ran with"
              Expect.stringContains r.Out " s/step" "CPU time per step"
              expectOneLineNaming (run dir.Path [ "bench-train-step"; "--device"; "tpu" ]) "--device"
              expectOneLineNaming (run dir.Path [ "bench-train-step"; "--threads"; "0" ]) "--threads"
              expectOneLineNaming (run dir.Path [ "bench-train-step"; "--precision"; "fp16" ]) "--precision: expected one of \"fp32\", \"bf16\""
          }

          test "bench-train-step --precision bf16 --channels-last: one tiny timed step, named so in the result line" {
              use dir = new TempDir()

              let r =
                  runWithTimeout
                      300
                      dir.Path
                      [ "bench-train-step"; "--size"; "32"; "--batch"; "2"; "--iterations"; "1"; "--warmup"; "0"; "--threads"; "1"
                        "--precision"; "bf16"; "--channels-last" ]

              Expect.equal r.ExitCode 0 $"bench: {r.Err}"
              Expect.stringContains r.Out "(1 threads), bf16, channels-last, batch 2" "precision and layout in the line"
              Expect.isFalse (r.Out.Contains "loss nan") "a finite loss"
          }

          test "bench-train-step --count-syncs: the counter sees one call of each kind, then none in the FGI step" {
              use dir = new TempDir()

              let r =
                  runWithTimeout
                      300
                      dir.Path
                      [ "bench-train-step"; "--size"; "32"; "--batch"; "2"; "--iterations"; "2"; "--warmup"; "1"; "--threads"; "1"; "--count-syncs" ]

              Expect.equal r.ExitCode 0 $"bench: {r.Out} {r.Err}"
              Expect.stringContains r.Out "(counter calibrated)" "calibrated: a zero is not a counter that misses the calls"
              Expect.stringContains r.Out "0.00 per step; over 2 steps 0 (scalar reads 0, value-dependent shapes 0, uploads 0, copies to host 0)" "no host sync in the step"
          }

          test "sweep: a bad train.precision or train.channels_last is one line at file:line:key each, exit 2" {
              use dir = new TempDir()
              let file = dir.File "exp.toml"
              File.WriteAllText(file, "name = \"x\"\nseeds = [0]\n\n[data]\nsource = \"synthetic\"\n\n[method]\nkind = \"full\"\n\n[train]\nprecision = \"fp16\"\n")
              expectOneLineNaming (run dir.Path [ "sweep"; "exp.toml"; "--dry-run" ]) $"{file}:11:1: train.precision"
              File.WriteAllText(file, "name = \"x\"\nseeds = [0]\n\n[data]\nsource = \"synthetic\"\n\n[method]\nkind = \"full\"\n\n[train]\nchannels_last = 1\n")
              expectOneLineNaming (run dir.Path [ "sweep"; "exp.toml"; "--dry-run" ]) $"{file}:11:1: train.channels_last"
          }

          test "check-device: the CPU's report with a sound tiny fp32 step; --device tpu is one line, exit 2" {
              use dir = new TempDir()
              let r = run dir.Path [ "check-device"; "--device"; "cpu" ]
              Expect.equal r.ExitCode 0 $"check-device: {r.Err}"
              Expect.stringContains r.Out "device: cpu" "the resolved device"
              Expect.stringContains r.Out "cuda available: false" "CUDA on this build"
              Expect.stringContains r.Out "fp32 forward/backward: ok (loss " "the tiny fp32 step ran with a finite loss"
              Expect.stringContains r.Out "bf16 supported: " "bf16 reported"
              expectOneLineNaming (run dir.Path [ "check-device"; "--device"; "tpu" ]) "--device"
          }

          test "cell: a folder without config.toml is a failed cell named in one line (exit 3)" {
              use dir = new TempDir()
              let r = run dir.Path [ "cell"; dir.Path; "--engine"; "fake" ]
              Expect.equal r.ExitCode 3 "runs failed"
              Expect.equal r.ErrLines.Length 1 $"one line: {r.Err}"
              Expect.stringContains r.ErrLines[0] "config.toml" "names the file"
          } ]
