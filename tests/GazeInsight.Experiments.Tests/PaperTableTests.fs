module GazeInsight.Experiments.Tests.PaperTableTests

open System.Threading
open Expecto
open GazeInsight.Experiments
open GazeInsight.Experiments.Tests.Helpers

let private common =
    """
[data]
source = "synthetic"
image_size = 32

[data.synthetic]
test = 10

[method]
kind = "full"

[train]
iterations = 200
eval_every = 50
"""

/// Polyps: three rows, three seeds.
let private polyp =
    "name = \"polyp\"\nseeds = [0, 1, 2]\n" + common
    + """
[[variant]]
name = "full"

[[variant]]
name = "gaze"
method = { kind = "gaze", threshold = 0.5 }

[[variant]]
name = "FGI"
method = { kind = "fgi", text = false }
"""

/// MRI (shorter training, so other numbers): no FGI row; "gaze" has one seed running and one never started.
let private mri =
    "name = \"mri\"\nseeds = [0, 1, 2]\n" + common.Replace("test = 10", "test = 10\nseed = 5").Replace("iterations = 200", "iterations = 100")
    + """
[[variant]]
name = "full"

[[variant]]
name = "gaze"
method = { kind = "gaze", threshold = 0.4 }
"""

let private paperText =
    """
name = "golden-paper"

[[dataset]]
name = "polyp"
label = "Polyps"
file = "polyp.toml"

[[dataset]]
name = "mri"
label = "MRI"
file = "mri.toml"
metrics = ["dice", "hd95"]

[[table]]
name = "main"
caption = "Golden cross table"
rows = ["full", "gaze", "FGI", "FGI:teacher"]
baseline = "gaze"
"""

let private files paper =
    [ "/virtual/polyp.toml", polyp; "/virtual/mri.toml", mri; "/virtual/paper.toml", paper ]

let private loadPaper (paper: string) =
    Paper.load (memoryReader (files paper)) Spec.defaultOptions "/virtual/paper.toml"

let private loadOkPaper (paper: string) =
    match loadPaper paper with
    | Ok p -> p
    | Error e -> failwithf "expected a valid paper, got:\n%s" (System.String.Join("\n", Spec.render e))

let private loadErrorsPaper (paper: string) =
    match loadPaper paper with
    | Ok _ -> failwith "expected errors, the paper loaded"
    | Error e -> Spec.render e

/// Fake-engine results, with an HD95 per case that falls as Dice rises (so that "lower is
/// better" is visible); in "mri", "gaze" seed 1 is running and seed 2 never started.
let private data (paper: Paper.PaperSpec, experiments: (Paper.DatasetRef * ExperimentSpec) list) =
    let runtime = { ExperimentDir = "/virtual"; Device = "cpu"; Threads = None; CacheDir = "/tmp" }
    let noProgress = { new System.IProgress<Progress> with member _.Report _ = () }

    let withHd95 (r: CellResult) =
        { r with
            Cases =
                r.Cases
                |> List.map (fun c ->
                    let dice = c.Values |> List.find (fun (m, _) -> m = Metric.Dice) |> snd
                    { c with Values = c.Values @ [ Metric.Hd95, (1.0 - dice) * 20.0 ] }) }

    [ for d, spec in experiments do
          let skipped (c: Cell) = spec.Name = "mri" && c.Variant = "gaze" && c.Seed > 0

          let results =
              spec.Cells
              |> List.filter (fun c -> not (skipped c))
              |> List.map (fun c ->
                  use dir = new TempDir()
                  c.Id, withHd95 (FakeEngine.engine FakeEngine.defaults c.Config runtime dir.Path noProgress CancellationToken.None))
              |> Map.ofList

          let states =
              spec.Cells
              |> List.filter (fun c -> spec.Name = "mri" && c.Variant = "gaze" && c.Seed = 1)
              |> List.map (fun c -> c.Id, Plan.Running)
              |> Map.ofList

          yield
              { PaperTables.Dataset = d
                PaperTables.Spec = spec
                PaperTables.Results = results
                PaperTables.States = states } ]

let private mainTable () =
    let paper, experiments = loadOkPaper paperText
    PaperTables.build paper paper.Tables.Head (data (paper, experiments))

[<Tests>]
let tests =
    testList
        "paper tables"
        [ test "golden Markdown, LaTeX and CSV of a two-data-set table" {
              let t = mainTable ()
              golden "paper-main.md" (PaperRender.markdown t)
              golden "paper-main.tex" (PaperRender.latex "golden-paper" t)
              golden "paper-main.csv" (PaperRender.csv t)
          }

          test "each data set is a column group with its own metrics" {
              let t = mainTable ()
              Expect.equal (t.Groups |> List.map (fun g -> g.Label, g.Metrics)) [ "Polyps", [ Metric.Dice; Metric.IoU ]; "MRI", [ Metric.Dice; Metric.Hd95 ] ] "groups"
          }

          test "best and second best per column, lower is better for HD95" {
              let t = mainTable ()
              let ranks gi mi = t.Rows |> List.map (fun r -> r.Label, (List.item mi r.Entries[gi]).Rank)
              // polyp Dice (fake engine): full > FGI teacher > FGI student > gaze
              Expect.equal (ranks 0 0) [ "full", Some 1; "gaze", None; "FGI", None; "FGI:teacher", Some 2 ] "Dice: highest first"
              Expect.equal (ranks 1 1) [ "full", Some 1; "gaze", Some 2; "FGI", None; "FGI:teacher", None ] "HD95: lowest first"
              Expect.stringContains (PaperRender.markdown t) "<u>" "second best underlined"
              Expect.stringContains (PaperRender.latex "p" t) "\\underline{" "second best underlined in LaTeX"
          }

          test "a missing entry is a dash with a footnote that says why, never a gap" {
              let t = mainTable ()
              let md = PaperRender.markdown t
              let fgi = md.Split('\n') |> Array.find (fun l -> l.StartsWith "| FGI |")
              Expect.stringContains fgi "| – [" "dash and marker in the MRI group"
              Expect.exists t.Notes (fun n -> n.Contains "no row \"FGI\" in MRI (mri.toml)") "the footnote names the data set and file"
              let gaze = md.Split('\n') |> Array.find (fun l -> l.StartsWith "| gaze (baseline) |")
              Expect.exists t.Notes (fun n -> n = "1 of 3 seeds (1 running, 1 not run)") $"partial seeds say why: {t.Notes}"
              Expect.stringContains gaze "[" "the partial entry carries its marker"
          }

          test "a dagger marks p < 0.05 against the baseline row, and the caption names the test" {
              let t = mainTable ()
              let full = t.Rows |> List.find (fun r -> r.Label = "full")
              Expect.isTrue ((List.item 0 full.Entries[0]).P |> Option.exists (fun p -> p < 0.05)) "full differs from gaze on polyps"
              Expect.stringContains (PaperRender.markdown t) "†" "dagger"
              Expect.stringContains t.Caption "Wilcoxon signed-rank" "test named"
              Expect.stringContains (PaperRender.latex "p" t) "$^\\dagger$" "dagger in LaTeX"
          }

          test "a paper's problems are one line each with file, line and key" {
              let bad =
                  paperText.Replace("rows = [\"full\"", "colour = 1\nrows = [\"fulll\"").Replace("metrics = [\"dice\", \"hd95\"]", "metrics = [\"dice\", \"hd96\"]")

              let errors = loadErrorsPaper bad
              Expect.contains errors "/virtual/paper.toml:13:20: dataset[1].metrics[1]: expected one of \"dice\", \"iou\", \"hd\", \"hd95\", \"asd\", \"assd\", \"masd\", got \"hd96\"; did you mean \"hd95\"?" $"{errors}"
              Expect.contains errors "/virtual/paper.toml:18:1: table[0].colour: unknown key; expected one of: baseline, caption, checkpoint, datasets, metrics, name, over, rows, test" $"{errors}"
          }

          test "a row that no data set has is an error at its key, with a suggestion" {
              let errors = loadErrorsPaper (paperText.Replace("\"FGI:teacher\"", "\"FGl:teacher\""))
              Expect.equal errors [ "/virtual/paper.toml:18:1: table \"main\".rows: no data set has a row \"FGl\"; did you mean \"FGI\"?" ] "one line"
          }

          test "experiments/paper.toml loads with its three data sets (without their data)" {
              let file = System.IO.Path.Combine(sourceDir, "..", "..", "experiments", "paper.toml")

              match Paper.load Spec.diskReader { Spec.defaultOptions with CheckFiles = false } file with
              | Ok(paper, experiments) ->
                  Expect.equal (experiments |> List.map (fun (_, s) -> s.Name)) [ "kvasir"; "prostate"; "isic" ] "data sets"
                  Expect.equal (paper.Tables |> List.map _.Name) [ "main"; "ablation" ] "tables"
              | Error e -> failtestf "%A" (Spec.render e)
          }

          test "experiments/synthetic-paper.toml loads: RGB lesions and MRI-like slices" {
              let file = System.IO.Path.Combine(sourceDir, "..", "..", "experiments", "synthetic-paper.toml")

              match Paper.load Spec.diskReader Spec.defaultOptions file with
              | Ok(_, experiments) ->
                  let modality (spec: ExperimentSpec) =
                      match spec.Cells.Head.Config.Data.Source with
                      | Synthetic s -> s.Modality
                      | Folder _ -> "folder"

                  Expect.equal (experiments |> List.map (fun (_, s) -> s.Name, modality s)) [ "synthetic", "rgb"; "synthetic-paper-mri", "mri" ] "data sets"
              | Error e -> failtestf "%A" (Spec.render e)
          }

          test "a data set whose experiment file is missing names the file" {
              let errors = loadErrorsPaper (paperText.Replace("mri.toml", "nowhere.toml"))
              Expect.equal errors [ "/virtual/nowhere.toml: file not found" ] "one line"
          } ]
