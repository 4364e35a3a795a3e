/// Rendering tables: Markdown, LaTeX (booktabs, best in bold) and CSV.
module GazeInsight.Experiments.Render

open System
open System.Globalization
open System.Text
open GazeInsight.Experiments.Tables

let private fmt (v: float) = v.ToString("F2", CultureInfo.InvariantCulture)

let private pText (p: float option) =
    match p with
    | None -> ""
    | Some p when p < 0.001 -> "<0.001"
    | Some p -> p.ToString("F3", CultureInfo.InvariantCulture)

let private seedsSuffix (e: Entry) =
    match e.Stat with
    | Some s when s.Seeds < e.Expected -> $" ({s.Seeds}/{e.Expected})"
    | _ -> ""

let private cellText (m: Metric) (e: Entry) (bold: string -> string) (pm: string) =
    match e.Stat with
    | None -> "missing"
    // one value has no spread: "± 0.00" would claim a measured one
    | Some s when s.Seeds = 1 ->
        let k = scale m
        let n = if e.Expected > 1 then $"n = 1 of {e.Expected}" else "n = 1"
        bold (fmt (s.Mean * k)) + $" ({n}, no spread)"
    | Some s ->
        let k = scale m
        bold (fmt (s.Mean * k)) + pm + fmt (s.Std * k) + seedsSuffix e

let private pHeaders (t: Table) =
    if t.HasSignificance then t.Metrics |> List.map (fun m -> "p (" + (metricLabel m).Split(' ')[0] + ")") else []

let markdown (t: Table) =
    let sb = StringBuilder()
    let headers = "" :: (t.Metrics |> List.map metricLabel) @ pHeaders t
    sb.Append("| ").Append(String.Join(" | ", headers)).Append(" |\n") |> ignore
    sb.Append("|").Append(String.Join("|", headers |> List.mapi (fun i _ -> if i = 0 then "---" else "---:"))).Append("|\n") |> ignore

    for r in t.Rows do
        let label = if r.IsBaseline then r.Label + " (baseline)" else r.Label
        let values = List.map2 (fun m e -> cellText m e (fun s -> if e.Best then $"**{s}**" else s) " ± ") t.Metrics r.Entries
        let ps = if t.HasSignificance then r.Entries |> List.map (fun e -> pText e.P) else []
        sb.Append("| ").Append(String.Join(" | ", label :: values @ ps)).Append(" |\n") |> ignore

    sb.Append('\n').Append(t.Caption).Append('\n').ToString()

let latexEscape (s: string) =
    let sb = StringBuilder()

    for c in s do
        match c with
        | '\\' -> sb.Append(@"\textbackslash{}") |> ignore
        | '&' | '%' | '$' | '#' | '_' | '{' | '}' -> sb.Append('\\').Append(c) |> ignore
        | '~' -> sb.Append(@"\textasciitilde{}") |> ignore
        | '^' -> sb.Append(@"\textasciicircum{}") |> ignore
        | '±' -> sb.Append(@"$\pm$") |> ignore
        | c -> sb.Append(c) |> ignore

    sb.ToString()

let latex (experiment: string) (t: Table) =
    let sb = StringBuilder()
    let cols = "l" + String('r', t.Metrics.Length + (if t.HasSignificance then t.Metrics.Length else 0))
    sb.Append("\\begin{table}[t]\n\\centering\n") |> ignore
    sb.Append("\\caption{").Append(latexEscape t.Caption).Append("}\n") |> ignore
    sb.Append("\\label{tab:").Append(latexEscape experiment).Append('-').Append(latexEscape t.Name).Append("}\n") |> ignore
    sb.Append("\\begin{tabular}{").Append(cols).Append("}\n\\toprule\n") |> ignore
    let headers = "Method" :: (t.Metrics |> List.map metricLabel) @ pHeaders t
    sb.Append(String.Join(" & ", headers |> List.map latexEscape)).Append(" \\\\\n\\midrule\n") |> ignore

    for r in t.Rows do
        let values =
            List.map2 (fun m e -> cellText m e (fun s -> if e.Best then $"\\textbf{{{s}}}" else s) " $\\pm$ ") t.Metrics r.Entries

        let ps = if t.HasSignificance then r.Entries |> List.map (fun e -> latexEscape (pText e.P)) else []
        let label = latexEscape r.Label
        sb.Append(String.Join(" & ", label :: values @ ps)).Append(" \\\\\n") |> ignore

    sb.Append("\\bottomrule\n\\end{tabular}\n\\end{table}\n").ToString()

let private csvField = GazeInsight.Imaging.IO.Csv.Field

let private num = GazeInsight.Imaging.IO.Csv.Number

/// Wide CSV in the metric's own unit (fractions for Dice/IoU): one line per row.
let csv (t: Table) =
    let sb = StringBuilder("row,baseline")

    for m in t.Metrics do
        sb.Append($",{m.Name}_mean,{m.Name}_std,{m.Name}_seeds,{m.Name}_expected") |> ignore

        if t.HasSignificance then
            sb.Append($",{m.Name}_p") |> ignore

    sb.Append('\n') |> ignore

    for r in t.Rows do
        sb.Append(csvField r.Label).Append(',').Append(if r.IsBaseline then "true" else "false") |> ignore

        for e in r.Entries do
            match e.Stat with
            | Some s -> sb.Append($",{num s.Mean},{num s.Std},{s.Seeds},{e.Expected}") |> ignore
            | None -> sb.Append($",,,0,{e.Expected}") |> ignore

            if t.HasSignificance then
                sb.Append(',').Append(e.P |> Option.map num |> Option.defaultValue "") |> ignore

        sb.Append('\n') |> ignore

    sb.ToString()
