/// PNG figures next to the tables (ScottPlot): the Dice distribution per row (box plots of
/// per-case Dice, each case averaged over seeds, with the cases as points) and the training
/// curves per row (validation Dice with its spread over seeds, training loss). Each figure is
/// data extraction (pure, from loaded results) then rendering (data in, PNG out), so that
/// other reports reuse either half.
module GazeInsight.Runner.Plots

open System
open GazeInsight.Experiments

/// Saves through a temporary file and a rename, like every other result file.
let private save (plot: ScottPlot.Plot) (path: string) (width: int) (height: int) =
    let tmp = $"{path}.tmp-{Environment.ProcessId}.png"
    plot.SavePng(tmp, width, height) |> ignore
    IO.File.Move(tmp, path, true)

let private quantile (sorted: float[]) (q: float) =
    let pos = q * float (sorted.Length - 1)
    let lo = int (floor pos)
    let hi = min (sorted.Length - 1) (lo + 1)
    sorted[lo] + (pos - float lo) * (sorted[hi] - sorted[lo])

/// The per-case Dice of each row of a table (in %, each case averaged over seeds), rows in
/// table order; rows without results have no values but keep their place.
let diceByRow (spec: ExperimentSpec) (t: TableSpec) (results: Cell -> CellResult option) : (string * float[]) list =
    let variants =
        t.Rows
        |> Option.defaultValue (spec.Variants |> List.map (fun v -> { Variant = v.Name; Output = None }))

    // "variant:output" rows show that output
    [ for r in variants do
          let output = r.OutputIn t.Output
          let suffix = if output <> t.Output then ":" + output.Name else ""

          yield!
              spec.Cells
              |> List.filter (fun c -> c.Variant = r.Variant)
              |> List.groupBy _.Row
              |> List.map (fun (label, cells) -> label + suffix, cells, output) ]
    |> List.map (fun (label, cells, output) ->
        let perCase =
            Aggregate.perCase output t.Checkpoint Metric.Dice (cells |> List.choose results)
            |> Map.values
            |> Seq.map (fun v -> v * 100.0)
            |> Seq.sort
            |> Array.ofSeq

        label, perCase)

/// Box plot per row (box = quartiles, line = median, whiskers = min and max) with every case
/// drawn as a point beside it; rows without values keep their label. False when nothing to plot.
let renderBoxes (title: string) (yLabel: string) (rows: (string * float[]) list) (path: string) =
    if rows |> List.forall (fun (_, v) -> v.Length = 0) then
        false
    else
        use plot = new ScottPlot.Plot()

        let boxes =
            rows
            |> List.mapi (fun i (_, v) -> i, v)
            |> List.filter (fun (_, v) -> v.Length > 0)
            |> List.map (fun (i, v) ->
                ScottPlot.Box(
                    Position = float i,
                    BoxMin = quantile v 0.25,
                    BoxMax = quantile v 0.75,
                    BoxMiddle = quantile v 0.5,
                    WhiskerMin = v[0],
                    WhiskerMax = v[v.Length - 1]
                ))

        plot.Add.Boxes(ResizeArray boxes) |> ignore

        rows
        |> List.iteri (fun i (_, v) ->
            if v.Length > 0 then
                // a fixed spread to the right of the box, so that equal values stay visible
                let xs = v |> Array.mapi (fun k _ -> float i + 0.3 + 0.12 * (float ((k * 7919) % 11) / 10.0 - 0.5))
                plot.Add.Markers(xs, v, ScottPlot.MarkerShape.FilledCircle, 4.0f, ScottPlot.Colors.Black.WithAlpha(0.5)) |> ignore)

        plot.Axes.Bottom.SetTicks(rows |> List.mapi (fun i _ -> float i) |> Array.ofList, rows |> List.map fst |> Array.ofList)
        plot.YLabel(yLabel)
        plot.Title(title)
        save plot path (160 + 110 * rows.Length) 420
        true

/// Box plot of per-case Dice per row of a table, with the cases as points. False when nothing to plot.
let dice (spec: ExperimentSpec) (t: TableSpec) (results: Cell -> CellResult option) (path: string) =
    renderBoxes $"{spec.Name}: {t.Name} ({t.Checkpoint.Name} checkpoint)" "Dice per case (%)" (diceByRow spec t results) path

/// One row's training curves: validation Dice (%) per seed, and the training loss averaged over
/// the seeds that have each point.
type CurveSeries =
    { Row: string
      ValidationBySeed: (int * (float * float)[]) list
      Loss: (float * float)[] }

/// The curves of every row that has any (pure: from the stored results).
let curveSeries (spec: ExperimentSpec) (results: Cell -> CellResult option) : CurveSeries list =
    spec.Cells
    |> List.groupBy _.Row
    |> List.choose (fun (label, cells) ->
        let bySeed =
            cells
            |> List.choose (fun c -> results c |> Option.map (fun r -> c.Seed, r.Curve))

        let validation =
            bySeed
            |> List.map (fun (seed, curve) ->
                seed,
                curve
                |> List.filter (fun p -> not (Double.IsNaN p.ValidationDice))
                |> List.map (fun p -> float p.Iteration, 100.0 * p.ValidationDice)
                |> Array.ofList)
            |> List.filter (fun (_, pts) -> pts.Length > 0)

        let loss =
            bySeed
            |> List.collect snd
            |> List.filter (fun p -> Double.IsFinite p.Loss)
            |> List.groupBy _.Iteration
            |> List.map (fun (it, ps) -> float it, ps |> List.averageBy _.Loss)
            |> List.sortBy fst
            |> Array.ofList

        if validation.IsEmpty && loss.Length = 0 then
            None
        else
            Some
                { Row = label
                  ValidationBySeed = validation
                  Loss = loss })

/// Validation Dice per row (left axis): the mean over seeds as a line, the range over seeds as
/// a band and each seed as a thin line; the training loss (right axis, dashed). False when empty.
let renderCurves (title: string) (series: CurveSeries list) (path: string) =
    if series.IsEmpty then
        false
    else
        use plot = new ScottPlot.Plot()

        series
        |> List.iteri (fun i s ->
            let colour = plot.Add.Palette.GetColor i

            let points = s.ValidationBySeed |> List.collect (fun (_, pts) -> List.ofArray pts) |> List.groupBy fst |> List.sortBy fst

            if not points.IsEmpty then
                let xs = points |> List.map fst |> Array.ofList
                let values = points |> List.map (fun (_, ps) -> ps |> List.map snd)

                if s.ValidationBySeed.Length > 1 then
                    let band = plot.Add.FillY(xs, values |> List.map List.min |> Array.ofList, values |> List.map List.max |> Array.ofList)
                    band.FillColor <- colour.WithAlpha(0.15)
                    band.LineWidth <- 0.0f

                    for _, pts in s.ValidationBySeed do
                        let one = plot.Add.Scatter(pts |> Array.map fst, pts |> Array.map snd, colour.WithAlpha(0.45))
                        one.LineWidth <- 1.0f
                        one.MarkerSize <- 0.0f

                let mean = plot.Add.Scatter(xs, values |> List.map List.average |> Array.ofList, colour)
                mean.LineWidth <- 2.0f
                mean.LegendText <- $"{s.Row} (validation Dice, {s.ValidationBySeed.Length} seeds)"

            if s.Loss.Length > 0 then
                let loss = plot.Add.Scatter(s.Loss |> Array.map fst, s.Loss |> Array.map snd, colour)
                loss.LinePattern <- ScottPlot.LinePattern.Dashed
                loss.MarkerSize <- 0.0f
                loss.Axes.YAxis <- plot.Axes.Right
                loss.LegendText <- $"{s.Row} (training loss)")

        plot.ShowLegend() |> ignore
        plot.XLabel("iteration")
        plot.YLabel("validation Dice (%): mean, seeds, range")
        plot.Axes.Right.Label.Text <- "training loss (dashed)"
        plot.Title(title)
        save plot path 720 460
        true

/// Validation Dice against iteration per row, with its spread over seeds and the training loss.
let curves (spec: ExperimentSpec) (results: Cell -> CellResult option) (path: string) =
    renderCurves $"{spec.Name}: training curves" (curveSeries spec results) path
