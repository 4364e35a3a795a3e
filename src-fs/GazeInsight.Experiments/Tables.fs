/// A table as data (rows, columns, numbers, best per column, p-values, caption), built from
/// the spec and the loaded results; rendering to Markdown / LaTeX / CSV is in Render.
module GazeInsight.Experiments.Tables

open System

type Entry =
    { Stat: Aggregate.Stat option
      /// Seeds expected for this row.
      Expected: int
      /// p-value against the baseline (None for the baseline itself or too few pairs).
      P: float option
      Best: bool }

type Row =
    { Label: string
      IsBaseline: bool
      /// One entry per metric, in column order.
      Entries: Entry list }

type Table =
    { Name: string
      Caption: string
      Metrics: Metric list
      HasSignificance: bool
      Rows: Row list }

let metricLabel (m: Metric) =
    match m with
    | Metric.Dice -> "Dice (%)"
    | Metric.IoU -> "IoU (%)"
    | Metric.Hd -> "HD (px)"
    | Metric.Hd95 -> "HD95 (px)"
    | Metric.Asd -> "ASD (px)"
    | Metric.Assd -> "ASSD (px)"
    | Metric.Masd -> "MASD (px)"

/// Dice and IoU are shown in percent, as in the paper; distances as they are.
let scale (m: Metric) = if m.HigherIsBetter then 100.0 else 1.0

/// The test named in captions: "p: <test> <pairing>, against \"<baseline>\"".
let testName (s: Significance) =
    let test =
        match s.Test with
        | Wilcoxon -> "two-sided Wilcoxon signed-rank test (normal approximation)"
        | PairedT -> "two-sided paired t-test"

    let over =
        match s.Over with
        | Cases -> "on per-case values (each case averaged over seeds), paired by case"
        | Seeds -> "on per-seed means, paired by seed"

    $"p: {test} {over}, against \"{s.Baseline}\""

/// Every finished cell's result, by cell id; a cell that has not finished is absent.
type Results = Map<string, CellResult>

/// Loads the results of an experiment's cells, calling `read` once per distinct cell id
/// (the edge passes a reader of the store; everything after this is pure over the map).
let load (spec: ExperimentSpec) (read: Cell -> CellResult option) : Results =
    spec.Cells
    |> List.distinctBy _.Id
    |> List.choose (fun c -> read c |> Option.map (fun r -> c.Id, r))
    |> Map.ofList

/// A cell's result from loaded results (None where it has not finished).
let lookup (results: Results) (c: Cell) = Map.tryFind c.Id results

/// Whether a cell never predicted the lesion: its selection output's validation Dice was 0 at every
/// validation that ran (at least one). Such a seed is a collapse, not a weak result; its mean in a
/// row would read as a poor method, so the caption names it (curve.csv and losses.tsv show how).
let neverLearned (r: CellResult) =
    let dice = r.Curve |> List.map _.ValidationDice |> List.filter (fun d -> not (Double.IsNaN d))
    not dice.IsEmpty && dice |> List.forall (fun d -> d = 0.0)

/// Builds a table from loaded results (pure: no I/O).
let build (spec: ExperimentSpec) (t: TableSpec) (loaded: Results) : Table =
    let checkpoint = t.Checkpoint
    let results = lookup loaded

    let variants =
        match t.Rows with
        | Some rows -> rows
        | None -> spec.Variants |> List.map (fun v -> { Variant = v.Name; Output = None })

    // (label, cells, output) per row; "variant:output" rows show another output of a variant
    let rowCells =
        [ for row in variants do
              let v, output = row.Variant, row.OutputIn t.Output
              let suffix = if output <> t.Output then ":" + output.Name else ""

              yield!
                  spec.Cells
                  |> List.filter (fun c -> c.Variant = v)
                  |> List.groupBy _.Row
                  |> List.map (fun (label, cells) -> label + suffix, cells, output) ]

    let seeded (cells: Cell list) =
        cells |> List.choose (fun c -> results c |> Option.map (fun r -> c.Seed, r))

    let baselineFor (cells: Cell list) =
        t.Significance
        |> Option.map (fun s ->
            let baseVariant, baseOutput = s.Baseline.Variant, s.Baseline.OutputIn t.Output
            let candidates = rowCells |> List.filter (fun (_, cs, o) -> cs.Head.Variant = baseVariant && o = baseOutput)

            candidates
            |> List.tryFind (fun (_, cs, _) -> cs.Head.Assignment = cells.Head.Assignment)
            |> Option.orElse (List.tryHead candidates)
            |> Option.map (fun (_, cs, _) -> cs, baseOutput)
            |> Option.defaultValue ([], baseOutput))

    let rows =
        [ for label, cells, output in rowCells do
              let mine = seeded cells
              let baseCells = baselineFor cells

              let isBaseline =
                  match t.Significance, baseCells with
                  | Some _, Some(bc, baseOutput) -> not bc.IsEmpty && bc.Head.Row = cells.Head.Row && output = baseOutput
                  | _ -> false

              let entries =
                  [ for m in t.Metrics do
                        let values = mine |> List.choose (fun (_, r) -> Aggregate.cellValue output checkpoint m r)

                        let p =
                            match t.Significance, baseCells with
                            | Some s, Some(bc, baseOutput) when not isBaseline ->
                                Aggregate.pairs s.Over output baseOutput checkpoint m mine (seeded bc)
                                |> Aggregate.test s.Test
                            | _ -> None

                        { Stat = Aggregate.stat values
                          Expected = cells.Length
                          P = p
                          Best = false } ]

              yield
                  { Label = label
                    IsBaseline = isBaseline
                    Entries = entries } ]

    // Best per column: the highest (or lowest, for distances) mean among rows with a value.
    let rows =
        t.Metrics
        |> List.indexed
        |> List.fold
            (fun (rows: Row list) (j, m) ->
                let means = rows |> List.choose (fun r -> r.Entries[j].Stat |> Option.map _.Mean)

                if means.IsEmpty then
                    rows
                else
                    let best = if m.HigherIsBetter then List.max means else List.min means

                    rows
                    |> List.map (fun r ->
                        { r with
                            Entries =
                                r.Entries
                                |> List.mapi (fun k e ->
                                    if k = j && e.Stat |> Option.exists (fun s -> s.Mean = best) then { e with Best = true } else e) }))
            rows

    let plural = if spec.Seeds.Length = 1 then "" else "s"
    let seedsNote = $"mean ± std over {spec.Seeds.Length} seed{plural}"

    // which output's validation metric picked the best checkpoint (evaluation.select_by / select_output)
    let selection =
        rowCells
        |> List.collect (fun (_, cells, _) -> cells |> List.map (fun c -> c.Config.Evaluation, c.Variant))
        |> List.groupBy fst
        |> List.map (fun (e, vs) -> e, vs |> List.map snd |> List.distinct)

    let selectionLabel (m: SelectionMetric) =
        match m with
        | SelectionMetric.Dice -> "Dice"
        | SelectionMetric.IoU -> "IoU"

    let checkpointNote =
        match t.Checkpoint, selection with
        | Last, _ -> "last checkpoint"
        | Best, [] -> "best-on-validation checkpoint"
        | Best, [ e, _ ] -> $"best-on-validation checkpoint (picked by the validation {selectionLabel e.SelectBy} of output \"{e.SelectOutput.Name}\")"
        | Best, many ->
            let each =
                many
                |> List.map (fun (e, vs) -> $"{selectionLabel e.SelectBy} of \"{e.SelectOutput.Name}\" for " + String.Join(", ", vs))

            "best-on-validation checkpoint (picked by the validation " + String.Join("; ", each) + ")"

    let head =
        if String.IsNullOrWhiteSpace t.Caption then $"{spec.Name}: test-set metrics" else t.Caption.Trim().TrimEnd('.')

    let missing =
        rows
        |> List.exists (fun r -> r.Entries |> List.exists (fun e -> e.Stat |> Option.forall (fun s -> s.Seeds < e.Expected)))

    // only rows that show the output the curve was recorded for (the selection output)
    let collapsed =
        rowCells
        |> List.choose (fun (label, cells, output) ->
            cells
            |> List.filter (fun c -> c.Config.Evaluation.SelectOutput = output && results c |> Option.exists neverLearned)
            |> List.map _.Seed
            |> function
                | [] -> None
                | seeds -> Some(label, seeds))

    let collapsedNote =
        collapsed
        |> List.map (fun (label, seeds) ->
            let plural = if seeds.Length = 1 then "" else "s"
            $"{label} (seed{plural} " + String.Join(", ", seeds) + ")")

    let parts =
        [ yield $"{head}. Output \"{t.Output.Name}\", {checkpointNote}; {seedsNote}; best per column in bold."
          match t.Significance with
          | Some s -> yield testName s + "."
          | None -> ()
          if missing then
              yield "(k/n): only k of n seeds have a value (the others have not finished, or every case is undefined there, e.g. HD95 with empty predictions); \"missing\": none has."
          if not collapsedNote.IsEmpty then
              yield
                  "Predicted no lesion at any validation (validation Dice 0 throughout; their curve.csv and losses.tsv show how), counted in the means: "
                  + String.Join("; ", collapsedNote)
                  + "." ]

    { Name = t.Name
      Caption = String.Join(" ", parts)
      Metrics = t.Metrics
      HasSignificance = t.Significance.IsSome
      Rows = rows }
