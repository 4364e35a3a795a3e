/// Every command that writes, pointed at a place it cannot write: an unwritable folder
/// (`chattr +i`, which binds root too) or a file where a folder should be. Each must stop
/// before any work with exit 2 and one line naming the path.
module GazeInsight.Runner.Tests.WriteErrorTests

open System.IO
open Expecto
open GazeInsight.Runner.Tests.RunnerProcess

let private spec = tinySpec [ 0 ]

/// A temporary folder with an experiment file, a tiny data set and an unwritable folder `ro/`.
type private Setup() =
    let dir = new TempDir()
    do File.WriteAllText(dir.File "exp.toml", spec)
    let data = tinyDataset (dir.File "data")
    do Directory.CreateDirectory(dir.File "ro") |> ignore
    let ro = new Immutable(dir.File "ro")
    member _.Dir = dir.Path
    member _.File name = dir.File name
    member _.Data = data
    member _.ReadOnly = dir.File "ro"

    interface System.IDisposable with
        member _.Dispose() =
            (ro :> System.IDisposable).Dispose()
            (dir :> System.IDisposable).Dispose()

let private case name (args: Setup -> string list) (named: Setup -> string) =
    test name {
        use s = new Setup()
        let r = run s.Dir (args s)
        expectOneLineNaming r (named s)
    }

[<Tests>]
let tests =
    testSequenced
    <| testList
        "unwritable output"
        [ case "sweep --results <unwritable folder>" (fun s -> [ "sweep"; "exp.toml"; "--engine"; "fake"; "--results"; s.ReadOnly ]) _.ReadOnly
          case "sweep --results <a file>" (fun s -> [ "sweep"; "exp.toml"; "--engine"; "fake"; "--results"; s.File "exp.toml" ]) (fun s -> s.File "exp.toml")
          case "sweep --cache <unwritable folder> (the synthetic set goes there)" (fun s -> [ "sweep"; "exp.toml"; "--cache"; s.ReadOnly; "--results"; s.File "results" ]) _.ReadOnly
          case "table --results <unwritable folder>" (fun s -> [ "table"; "exp.toml"; "--results"; s.ReadOnly ]) _.ReadOnly
          case "predict --out <unwritable folder>" (fun s -> [ "predict"; "--checkpoint"; s.File "cell"; "--data"; s.Data; "--out"; s.ReadOnly ]) _.ReadOnly
          case "predict --out <an existing file>" (fun s -> [ "predict"; "--checkpoint"; s.File "cell"; "--data"; s.Data; "--out"; s.File "exp.toml" ]) (fun s -> s.File "exp.toml")
          case "gaze simulate --out <unwritable>/x.csv" (fun s -> [ "gaze"; "simulate"; "--data"; s.Data; "--out"; Path.Combine(s.ReadOnly, "x.csv") ]) _.ReadOnly
          case "gaze stats --out <unwritable>/s.md" (fun s -> [ "gaze"; "stats"; "--fixations"; Path.Combine(s.Data, "gaze", "fixations.csv"); "--out"; Path.Combine(s.ReadOnly, "s.md") ]) _.ReadOnly
          case "gaze benchmark --cache <unwritable folder>" (fun s -> [ "gaze"; "benchmark"; "--cache"; s.ReadOnly ]) _.ReadOnly
          case "eval --out <unwritable>/m.csv" (fun s -> [ "eval"; "--pred"; Path.Combine(s.Data, "masks"); "--gt"; Path.Combine(s.Data, "masks"); "--out"; Path.Combine(s.ReadOnly, "m.csv") ]) _.ReadOnly
          case "import-checkpoint --out <unwritable>/model.bin" (fun s -> [ "import-checkpoint"; "--from"; s.File "exp.toml"; "--network"; "unet"; "--out"; Path.Combine(s.ReadOnly, "model.bin") ]) _.ReadOnly
          case "data prepare-nci-isbi --out <unwritable folder>" (fun s ->
              [ "data"; "prepare-nci-isbi"; "--train-dicom"; s.Dir; "--train-labels"; s.Dir; "--test-dicom"; s.Dir; "--test-labels"; s.Dir; "--out"; s.ReadOnly ]) _.ReadOnly

          test "gaze build on an unwritable data set" {
              use s = new Setup()
              let data = s.File "data-ro"
              copyTree s.Data data
              use _ = new Immutable(data)
              let r = run s.Dir [ "gaze"; "build"; "--data"; data; "--fixations"; Path.Combine(s.Data, "gaze", "fixations.csv") ]
              expectOneLineNaming r data
          }

          test "text embed on an unwritable data set" {
              use s = new Setup()
              let data = s.File "data-ro"
              copyTree s.Data data
              use _ = new Immutable(data)
              let r = run s.Dir [ "text"; "embed"; "--data"; data ]
              expectOneLineNaming r data
          }

          test "text describe on an unwritable data set (before any request)" {
              use s = new Setup()
              let data = s.File "data-ro"
              copyTree s.Data data
              use _ = new Immutable(data)
              let r = run s.Dir [ "text"; "describe"; "--data"; data; "--endpoint"; "http://127.0.0.1:9/v1"; "--model"; "m" ]
              expectOneLineNaming r data
          } ]
