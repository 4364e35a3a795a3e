module GazeInsight.Experiments.Tests.ExecutionTests

open System
open System.IO
open System.Threading
open System.Threading.Tasks
open Expecto
open GazeInsight.Experiments
open GazeInsight.Experiments.Tests.Helpers

let private specText =
    """
name = "tiny"
seeds = [0, 1, 2]

[data]
source = "synthetic"
image_size = 32

[data.synthetic]
test = 5
size = 32

[method]
kind = "full"

[train]
iterations = 6
eval_every = 2

[[variant]]
name = "full"

[[variant]]
name = "gaze"
method = { kind = "gaze", threshold = 0.5 }
"""

/// Runs cells in this process (no child process, no libtorch): milliseconds per sweep.
let inProcess (options: FakeEngine.Options) : Execution.Executor =
    fun _ dir progress ct -> Task.FromResult(Execution.executeCell (FakeEngine.engine options) dir progress ct)

let private runtime (dir: string) =
    { ExperimentDir = dir; Device = "cpu"; Threads = None; CacheDir = Path.Combine(dir, "cache") }

let sweep (spec: ExperimentSpec) (root: string) (options: FakeEngine.Options) =
    let events = ResizeArray()
    let summary = Execution.sweep spec root (runtime root) 2 (inProcess options) events.Add CancellationToken.None
    summary, List.ofSeq events

[<Tests>]
let tests =
    testList
        "execution"
        [ test "a sweep runs every cell, stores results, and a second sweep skips them" {
              use tmp = new TempDir()
              let spec = loadOk specText
              let s1, _ = sweep spec tmp.Path FakeEngine.defaults
              Expect.equal (s1.Finished, s1.AlreadyDone, s1.Failed.Length) (6, 0, 0) "first sweep"

              for c in spec.Cells do
                  let dir = Store.cellDir tmp.Path spec.Name c.Id

                  for f in [ Store.ConfigFile; Store.MetricsFile; Store.CasesFile; Store.CurveFile; Store.LogFile ] do
                      Expect.isTrue (File.Exists(Path.Combine(dir, f))) $"{c.Id}/{f}"

                  let r = (Store.readResult dir).Value
                  Expect.equal r.Cases.Length 10 "5 cases x (best, last)"
                  Expect.equal r.SelectOutput (Some Output.Model) "metrics.json says which output picked the best checkpoint"

              let s2, events = sweep spec tmp.Path FakeEngine.defaults
              Expect.equal (s2.Finished, s2.AlreadyDone) (0, 6) "nothing left to do"
              Expect.equal events [ Execution.Planned(6, 6, []) ] "no cell started"
          }

          test "a failing cell is recorded with its reason, the others finish, a rerun retries it" {
              use tmp = new TempDir()
              let spec = loadOk specText
              let s1, _ = sweep spec tmp.Path { FakeEngine.defaults with FailSeed = Some 1 }
              Expect.equal s1.Finished 4 "seeds 0 and 2 of both variants"
              Expect.equal (s1.Failed |> List.map (fun (c, _) -> c.Variant, c.Seed)) [ "full", 1; "gaze", 1 ] "failed cells"

              for c, reason in s1.Failed do
                  Expect.equal reason "InvalidOperationException: fake engine: simulated failure" "reason"
                  let dir = Store.cellDir tmp.Path spec.Name c.Id
                  Expect.equal (Store.state dir) (Plan.Failed reason) "state on disk"

              let s2, _ = sweep spec tmp.Path FakeEngine.defaults
              Expect.equal (s2.Finished, s2.AlreadyDone, s2.Failed.Length) (2, 4, 0) "only the failed cells ran again"
          }

          test "a locked cell is not run twice" {
              use tmp = new TempDir()
              let spec = loadOk specText
              let c = spec.Cells.Head
              let dir = Store.cellDir tmp.Path spec.Name c.Id
              Store.writeAtomic (Path.Combine(dir, Store.ConfigFile)) (Store.cellConfigText c (runtime tmp.Path))
              use held = (Store.tryLock dir).Value
              Expect.equal (Store.state dir) Plan.Running "seen as running"
              let outcome = Execution.executeCell (FakeEngine.engine FakeEngine.defaults) dir (Progress<Progress>()) CancellationToken.None
              Expect.equal outcome Execution.Busy "busy"
              Expect.isFalse (File.Exists(Path.Combine(dir, Store.MetricsFile))) "not run"
          }

          test "an interrupted cell resumes from its checkpoint" {
              use tmp = new TempDir()
              let spec = loadOk specText
              let c = spec.Cells.Head
              let dir = Store.cellDir tmp.Path spec.Name c.Id
              Store.writeAtomic (Path.Combine(dir, Store.ConfigFile)) (Store.cellConfigText c (runtime tmp.Path))
              use cts = new CancellationTokenSource()
              let seen = ResizeArray<int>()

              let stopAt3 =
                  { new IProgress<Progress> with
                      member _.Report p =
                          seen.Add p.Iteration
                          if p.Iteration = 3 then cts.Cancel() }

              let first = Execution.executeCell (FakeEngine.engine FakeEngine.defaults) dir stopAt3 cts.Token
              Expect.equal first Execution.Interrupted "interrupted, not failed"
              Expect.isFalse (File.Exists(Path.Combine(dir, Store.FailureFile))) "no failure.json"
              Expect.equal (Store.state dir) Plan.Interrupted "the folder reads as interrupted"
              Expect.equal (File.ReadAllText(Path.Combine(dir, FakeEngine.CheckpointFile))) "2" "checkpoint at eval_every"
              seen.Clear()
              let record = { new IProgress<Progress> with member _.Report p = seen.Add p.Iteration }
              let second = Execution.executeCell (FakeEngine.engine FakeEngine.defaults) dir record CancellationToken.None
              Expect.equal second Execution.Succeeded "finished"
              Expect.equal (List.ofSeq seen) [ 3; 4; 5; 6 ] "resumed after iteration 2"
          }

          test "an interruption replaces an earlier failure: the latest attempt is the cell's state" {
              use tmp = new TempDir()
              let spec = loadOk specText
              let c = spec.Cells.Head
              let dir = Store.cellDir tmp.Path spec.Name c.Id
              Store.writeAtomic (Path.Combine(dir, Store.ConfigFile)) (Store.cellConfigText c (runtime tmp.Path))
              Store.writeFailure dir "an earlier attempt failed"
              use cts = new CancellationTokenSource()
              let stopAt3 = { new IProgress<Progress> with member _.Report p = if p.Iteration = 3 then cts.Cancel() }
              let outcome = Execution.executeCell (FakeEngine.engine FakeEngine.defaults) dir stopAt3 cts.Token
              Expect.equal outcome Execution.Interrupted "interrupted"
              Expect.equal (Store.state dir) Plan.Interrupted "not failed any more"
          }

          test "a cell another runner finished between planning and locking is not counted as trained here" {
              use tmp = new TempDir()
              let spec = loadOk specText
              let c = spec.Cells.Head
              let dir = Store.cellDir tmp.Path spec.Name c.Id
              Store.writeAtomic (Path.Combine(dir, Store.ConfigFile)) (Store.cellConfigText c (runtime tmp.Path))
              let other = Execution.executeCell (FakeEngine.engine FakeEngine.defaults) dir (Progress<Progress>()) CancellationToken.None
              Expect.equal other Execution.Succeeded "the other runner trained it"
              let late = Execution.executeCell (FakeEngine.engine FakeEngine.defaults) dir (Progress<Progress>()) CancellationToken.None
              Expect.equal late Execution.Busy "this runner did nothing"
          }

          test "two concurrent sweeps of one file: each counts the cells it trained, both count every finished cell" {
              use tmp = new TempDir()
              let spec = loadOk specText
              let slow = { FakeEngine.defaults with DelayMs = 15 }
              let one () =
                  let events = ResizeArray()
                  let summary = Execution.sweep spec tmp.Path (runtime tmp.Path) 1 (inProcess slow) (fun e -> lock events (fun () -> events.Add e)) CancellationToken.None
                  summary, List.ofSeq events
              let a = Task.Run(fun () -> one ())
              Thread.Sleep 30
              let b = Task.Run(fun () -> one ())
              let (sa, ea), (sb, eb) = a.Result, b.Result
              Expect.equal (sa.Finished + sb.Finished) 6 "every cell trained exactly once between them"
              let finishedEvents (es: Execution.SweepEvent list) = es |> List.filter (function Execution.Finished _ -> true | _ -> false) |> List.length
              Expect.equal (finishedEvents ea, finishedEvents eb) (sa.Finished, sb.Finished) "a 'done' line only for a cell this sweep trained"
              Expect.equal (max sa.FinishedNow sb.FinishedNow) 6 "the sweep that ended last sees all six finished"
              for s in [ sa; sb ] do
                  Expect.isGreaterThanOrEqual s.FinishedNow (s.AlreadyDone + s.Finished) "counted from disk, the other's cells included"
          }

          test "a hand-edited config that no longer matches its folder's id is refused" {
              use tmp = new TempDir()
              let spec = loadOk specText
              let c = spec.Cells.Head
              let dir = Store.cellDir tmp.Path spec.Name c.Id
              let text = (Store.cellConfigText c (runtime tmp.Path)).Replace("iterations = 6", "iterations = 7")
              Store.writeAtomic (Path.Combine(dir, Store.ConfigFile)) text

              match Execution.executeCell (FakeEngine.engine FakeEngine.defaults) dir (Progress<Progress>()) CancellationToken.None with
              | Execution.Failed reason -> Expect.stringContains reason "does not match the folder's id" "reason"
              | other -> failtestf "expected a failure, got %A" other
          }

          test "atomic writes leave no temporary file and replace the old content" {
              use tmp = new TempDir()
              let f = Path.Combine(tmp.Path, "x.json")
              Store.writeAtomic f "old"
              Store.writeAtomic f "new"
              Expect.equal (File.ReadAllText f) "new" "content"
              Expect.equal (Directory.GetFiles tmp.Path |> Array.map Path.GetFileName) [| "x.json" |] "no temp file"
          }

          test "cases.csv round-trips, NaN and quoted case names included" {
              let rows =
                  [ { Output = Output.Model; Checkpoint = Best; Case = "a,b"; Values = [ Metric.Dice, 0.5; Metric.Hd95, nan ] }
                    { Output = Output.Model; Checkpoint = Best; Case = "q\"uote"; Values = [ Metric.Dice, 1.0 / 3.0; Metric.Hd95, 2.0 ] } ]

              let back = Store.parseCasesCsv (Store.casesCsv rows)
              Expect.equal back.Length 2 "rows"
              Expect.equal (back |> List.map _.Case) [ "a,b"; "q\"uote" ] "cases"
              Expect.equal (snd back[1].Values[0]) (1.0 / 3.0) "exact float"
              Expect.isTrue (Double.IsNaN(snd back[0].Values[1])) "NaN"
          } ]
