module GazeInsight.Experiments.Tests.TableTests

open System.Threading
open Expecto
open GazeInsight.Experiments
open GazeInsight.Experiments.Tests.Helpers

let private specText =
    """
name = "golden"
seeds = [0, 1, 2]

[data]
source = "synthetic"
image_size = 64

[data.synthetic]
test = 12

[method]
kind = "full"

[train]
iterations = 200
eval_every = 50

[[variant]]
name = "full"

[[variant]]
name = "gaze"
method = { kind = "gaze", threshold = 0.5 }

[[variant]]
name = "gaze_0.3"
method = { kind = "gaze", threshold = 0.3 }

[[variant]]
name = "never ran"
method = { kind = "gaze", threshold = 0.9 }

[[table]]
name = "main"
caption = "Golden table"
baseline = "full"

[[table]]
name = "last"
rows = ["gaze", "full"]
metrics = ["dice"]
checkpoint = "last"
baseline = "full"
test = "t"
over = "seeds"
"""

/// Fake-engine results (in memory) for every cell except: "never ran" (none) and "gaze_0.3" seed 2.
let private results (spec: ExperimentSpec) : Tables.Results =
    let runtime = { ExperimentDir = "/virtual"; Device = "cpu"; Threads = None; CacheDir = "/tmp" }
    let noProgress = { new System.IProgress<Progress> with member _.Report _ = () }

    spec.Cells
    |> List.filter (fun c -> c.Variant <> "never ran" && not (c.Variant = "gaze_0.3" && c.Seed = 2))
    |> List.map (fun c ->
        use dir = new TempDir()
        c.Id, FakeEngine.engine FakeEngine.defaults c.Config runtime dir.Path noProgress CancellationToken.None)
    |> Map.ofList

[<Tests>]
let tests =
    testList
        "tables"
        [ test "golden Markdown, LaTeX and CSV" {
              let spec = loadOk specText
              let r = results spec

              for t in spec.Tables do
                  let table = Tables.build spec t r
                  golden $"{t.Name}.md" (Render.markdown table)
                  golden $"{t.Name}.tex" (Render.latex spec.Name table)
                  golden $"{t.Name}.csv" (Render.csv table)
          }

          test "best per column: highest Dice, lowest distance" {
              let spec = loadOk specText
              let table = Tables.build spec spec.Tables.Head (results spec)
              let best = table.Rows |> List.filter (fun r -> r.Entries.Head.Best) |> List.map _.Label
              Expect.equal best [ "full" ] "full supervision is best in Dice"
          }

          test "missing rows are shown, never dropped" {
              let spec = loadOk specText
              let table = Tables.build spec spec.Tables.Head (results spec)
              Expect.equal (table.Rows |> List.map _.Label) [ "full"; "gaze"; "gaze_0.3"; "never ran" ] "all rows"
              Expect.stringContains (Render.markdown table) "| never ran | missing | missing |" "missing row"
              Expect.stringContains (Render.markdown table) "(2/3)" "partial row"
          }

          test "plots: a PNG per table and for the curves; nothing when no cell has results" {
              use tmp = new TempDir()
              let spec = loadOk specText
              let png = System.IO.Path.Combine(tmp.Path, "main-dice.png")
              Expect.isTrue (GazeInsight.Runner.Plots.dice spec spec.Tables.Head (Tables.lookup (results spec)) png) "dice plot"
              let bytes = System.IO.File.ReadAllBytes png
              Expect.equal bytes[0..3] [| 0x89uy; 0x50uy; 0x4Euy; 0x47uy |] "PNG signature"
              Expect.isTrue (GazeInsight.Runner.Plots.curves spec (Tables.lookup (results spec)) (System.IO.Path.Combine(tmp.Path, "c.png"))) "curves"
              Expect.isFalse (GazeInsight.Runner.Plots.dice spec spec.Tables.Head (fun _ -> None) (System.IO.Path.Combine(tmp.Path, "none.png"))) "no results"
              Expect.equal (System.IO.Directory.GetFiles tmp.Path).Length 2 "no stray files"
          }

          test "a row with one seed of three reads n = 1, no spread (not ± 0.00)" {
              let spec = loadOk specText
              let all = results spec
              let dropped = spec.Cells |> List.filter (fun c -> c.Variant = "gaze_0.3" && c.Seed <> 0) |> List.map _.Id
              let oneSeed = dropped |> List.fold (fun m id -> Map.remove id m) all
              let md = Render.markdown (Tables.build spec spec.Tables.Head oneSeed)
              let row = md.Split('\n') |> Array.find (fun l -> l.StartsWith "| gaze_0.3 ")
              Expect.stringContains row "(n = 1 of 3, no spread)" "says why there is no spread"
              Expect.isFalse (row.Contains "± 0.00") $"no zero spread: {row}"
          }

          test "a seed whose validation Dice is 0 at every validation is named in the caption (Markdown and LaTeX)" {
              let spec = loadOk specText
              let all = results spec
              let collapsedCell = spec.Cells |> List.find (fun c -> c.Variant = "gaze" && c.Seed = 1)

              let zeroed =
                  all
                  |> Map.change collapsedCell.Id (Option.map (fun r -> { r with Curve = r.Curve |> List.map (fun p -> { p with ValidationDice = 0.0 }) }))

              Expect.isTrue (Tables.neverLearned zeroed[collapsedCell.Id]) "0 at every validation"
              let note = "Predicted no lesion at any validation (validation Dice 0 throughout; their curve.csv and losses.tsv show how), counted in the means: gaze (seed 1)."

              for t in spec.Tables do
                  let table = Tables.build spec t zeroed
                  Expect.stringContains (Render.markdown table) note $"{t.Name}: Markdown caption"
                  Expect.stringContains (Render.latex spec.Name table) "gaze (seed 1)" $"{t.Name}: LaTeX caption"

              Expect.isFalse ((Tables.build spec spec.Tables.Head all).Caption.Contains "Predicted no lesion") "no note when every seed learned"
              // one validation above 0 is a weak start, not a collapse; no validation at all says nothing
              let once (r: CellResult) = { r with Curve = r.Curve |> List.mapi (fun i p -> { p with ValidationDice = if i = 0 then 0.2 else 0.0 }) }
              Expect.isFalse (Tables.neverLearned (once all[collapsedCell.Id])) "learned once"
              let unvalidated (r: CellResult) = { r with Curve = r.Curve |> List.map (fun p -> { p with ValidationDice = nan }) }
              Expect.isFalse (Tables.neverLearned (unvalidated all[collapsedCell.Id])) "never validated"
          }

          test "curves carry every seed's validation Dice and the training loss; boxes every case" {
              let spec = loadOk specText
              let series = GazeInsight.Runner.Plots.curveSeries spec (Tables.lookup (results spec))
              let full = series |> List.find (fun s -> s.Row = "full")
              Expect.equal (full.ValidationBySeed |> List.map fst) [ 0; 1; 2 ] "one validation curve per seed (the spread)"
              Expect.equal full.Loss.Length 4 "the training loss at every evaluation (200 / 50)"
              let partial = series |> List.find (fun s -> s.Row = "gaze_0.3")
              Expect.equal partial.ValidationBySeed.Length 2 "only the seeds with results"
              let boxes = GazeInsight.Runner.Plots.diceByRow spec spec.Tables.Head (Tables.lookup (results spec))
              Expect.equal (boxes |> List.map (fun (_, v) -> v.Length)) [ 12; 12; 12; 0 ] "a point per test case; none for a row that never ran"
          }

          test "the edge reads each cell's stored result once, however many tables, metrics and baselines" {
              use tmp = new TempDir()
              let spec = loadOk specText
              let all = results spec
              let calls = System.Collections.Generic.Dictionary<string, int>()

              let counting (c: Cell) =
                  calls[c.Id] <- (match calls.TryGetValue c.Id with
                                  | true, n -> n + 1
                                  | _ -> 1)

                  Tables.lookup all c

              GazeInsight.Runner.Commands.Table.writeTablesWith counting spec tmp.Path |> ignore
              let distinct = spec.Cells |> List.map _.Id |> List.distinct
              Expect.equal (calls.Keys |> Seq.sort |> List.ofSeq) (List.sort distinct) "every cell is read"
              Expect.all calls.Values (fun n -> n = 1) $"each cell is read once: {calls |> Seq.map (fun kv -> kv.Value) |> Seq.max} calls for one"
          }

          test "tables written from the store equal those built from loaded values (golden data)" {
              use tmp = new TempDir()
              let spec = loadOk specText
              let all = results spec

              for c in spec.Cells do
                  match Tables.lookup all c with
                  | Some r ->
                      let dir = Store.cellDir tmp.Path spec.Name c.Id
                      System.IO.Directory.CreateDirectory dir |> ignore
                      Store.writeResult dir c r
                  | None -> ()

              GazeInsight.Runner.Commands.Table.writeTables spec tmp.Path |> ignore
              let dir = Store.experimentDir tmp.Path spec.Name

              for t in spec.Tables do
                  let table = Tables.build spec t all
                  let file ext = System.IO.File.ReadAllText(System.IO.Path.Combine(dir, t.Name + ext))
                  Expect.equal (file ".md") (Render.markdown table) $"{t.Name}.md"
                  Expect.equal (file ".tex") (Render.latex spec.Name table) $"{t.Name}.tex"
                  Expect.equal (file ".csv") (Render.csv table) $"{t.Name}.csv"
                  golden $"{t.Name}.md" (file ".md")
                  golden $"{t.Name}.tex" (file ".tex")
                  golden $"{t.Name}.csv" (file ".csv")
          }

          test "LaTeX escapes labels" {
              Expect.equal (Render.latexEscape "gaze_0.3 & 50% #1") @"gaze\_0.3 \& 50\% \#1" "escaped"
          } ]
