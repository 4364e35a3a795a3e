/// The CLI's pure parts, in-process: the sweep display's estimates (rates from each attempt's
/// own iterations, the time of finished cells of the same row) and the option unions.
module GazeInsight.Runner.Tests.InProcessTests

open System.IO
open Expecto
open Microsoft.FSharp
open GazeInsight.Experiments
open GazeInsight.Runner
open GazeInsight.Runner.Tests.RunnerProcess

let private cells () =
    use dir = new TempDir()
    File.WriteAllText(dir.File "exp.toml", "seeds = [0, 1, 2]\n[data]\nsource = \"synthetic\"\n[method]\nkind = \"full\"\n[train]\niterations = 200\n")

    match Spec.load Spec.diskReader { Sets = []; CheckFiles = false } (dir.File "exp.toml") with
    | Ok spec -> spec.Cells
    | Error e -> failtestf "spec: %A" e

[<Tests>]
let tests =
    testList
        "display"
        [ test "a resumed cell's rate comes from the iterations this attempt trained" {
              // resumed at 150 of 200, then 10 iterations per 2 s: 50 left take 10 s
              let meter = Display.RateMeter(2.0)
              meter.Observe(150, 5.0) // start-up (data loading, resume) before the first report
              meter.Observe(160, 7.0)
              meter.Observe(170, 9.0)
              Expect.floatClose Accuracy.high meter.SecondsPerIteration 0.2 "0.2 s per iteration"
              Expect.floatClose Accuracy.high (meter.SecondsPerIteration * 30.0) 6.0 "ETA of the 30 left"
          }

          test "the rate is smoothed: one slow window (a validation pass) moves it, but not all the way" {
              let meter = Display.RateMeter(2.0)
              meter.Observe(0, 0.0)
              meter.Observe(10, 2.0)
              meter.Observe(20, 12.0)
              Expect.isGreaterThan meter.SecondsPerIteration 0.2 "slower"
              Expect.isLessThan meter.SecondsPerIteration 1.0 "not the slow window alone"
          }

          test "a queued cell is expected to take what a finished cell of its row took" {
              match cells () with
              | [ a; b; c ] ->
                  let tracker = Display.Tracker(3)
                  tracker.Apply(Execution.Planned(3, 0, [ a; b; c ]))
                  Expect.isTrue (System.Double.IsNaN(tracker.SweepEta 1)) "nothing measured yet: unknown, not a guess"
                  tracker.Apply(Execution.Started a)
                  tracker.Apply(Execution.Finished(a, 30.0))
                  Expect.floatClose Accuracy.high (tracker.ExpectedSeconds b) 30.0 "same row"
                  Expect.floatClose Accuracy.high (tracker.SweepEta 1) 60.0 "two cells left, one worker"
                  Expect.floatClose Accuracy.high (tracker.SweepEta 2) 30.0 "two workers"
              | other -> failtestf "three cells expected, got %d" other.Length
          } 
          test "--layout offers exactly the layouts the data readers know" {
              let cases = Reflection.FSharpType.GetUnionCases typeof<Cli.LayoutChoice>
              let names = cases |> Array.map (fun c -> (Reflection.FSharpValue.MakeUnion(c, [||]) |> nonNull :?> Cli.LayoutChoice).Name)
              Expect.equal (List.ofArray names) (List.ofSeq GazeInsight.Imaging.Data.DatasetLayout.Names) "same names, same order"
          } ]
