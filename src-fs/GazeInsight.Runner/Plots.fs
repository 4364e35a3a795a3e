/// PNG figures next to the tables (ScottPlot): the Dice distribution per row (box plots of
/// per-case Dice, each case averaged over seeds) and validation curves per row.
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

/// Box plot of per-case Dice per row of a table: box = quartiles, line = median, whiskers =
/// min and max. Rows without results get no box but keep their label. False when nothing to plot.
let dice (spec: ExperimentSpec) (t: TableSpec) (results: Cell -> CellResult option) (path: string) =
    let checkpoint = if t.Checkpoint = Best then "best" else "last"

    let variants = t.Rows |> Option.defaultValue (spec.Variants |> List.map _.Name)

    let rows =
        [ for v in variants do
              yield! spec.Cells |> List.filter (fun c -> c.Variant = v) |> List.groupBy _.Row ]

    let boxes =
        rows
        |> List.mapi (fun i (label, cells) ->
            let perCase =
                Aggregate.perCase t.Output checkpoint "dice" (cells |> List.choose results)
                |> Map.values
                |> Seq.map (fun v -> v * 100.0)
                |> Seq.sort
                |> Array.ofSeq

            i, label, perCase)

    if boxes |> List.forall (fun (_, _, v) -> v.Length = 0) then
        false
    else
        use plot = new ScottPlot.Plot()

        let items =
            ResizeArray(
                boxes
                |> List.filter (fun (_, _, v) -> v.Length > 0)
                |> List.map (fun (i, _, v) ->
                    ScottPlot.Box(
                        Position = float i,
                        BoxMin = quantile v 0.25,
                        BoxMax = quantile v 0.75,
                        BoxMiddle = quantile v 0.5,
                        WhiskerMin = v[0],
                        WhiskerMax = v[v.Length - 1]
                    ))
            )

        plot.Add.Boxes(items) |> ignore
        plot.Axes.Bottom.SetTicks(boxes |> List.map (fun (i, _, _) -> float i) |> Array.ofList, boxes |> List.map (fun (_, l, _) -> l) |> Array.ofList)
        plot.YLabel("Dice per case (%)")
        plot.Title($"{spec.Name}: {t.Name} ({checkpoint} checkpoint)")
        save plot path (160 + 110 * boxes.Length) 420
        true

/// Validation Dice against iteration per row (mean over the seeds that have each point).
let curves (spec: ExperimentSpec) (results: Cell -> CellResult option) (path: string) =
    let rows = spec.Cells |> List.groupBy _.Row

    let series =
        rows
        |> List.choose (fun (label, cells) ->
            let points =
                cells
                |> List.choose results
                |> List.collect _.Curve
                |> List.filter (fun p -> not (Double.IsNaN p.ValidationDice))
                |> List.groupBy _.Iteration
                |> List.map (fun (it, ps) -> float it, 100.0 * (ps |> List.averageBy _.ValidationDice))
                |> List.sortBy fst

            if points.IsEmpty then None else Some(label, points))

    if series.IsEmpty then
        false
    else
        use plot = new ScottPlot.Plot()

        for label, points in series do
            let s = plot.Add.Scatter(points |> List.map fst |> Array.ofList, points |> List.map snd |> Array.ofList)
            s.LegendText <- label

        plot.ShowLegend() |> ignore
        plot.XLabel("iteration")
        plot.YLabel("validation Dice (%)")
        plot.Title($"{spec.Name}: training curves")
        save plot path 640 420
        true
