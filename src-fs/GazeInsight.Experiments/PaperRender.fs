/// Rendering a cross-data-set table: Markdown, LaTeX (booktabs, \multicolumn group headers,
/// best in bold, second underlined, footnotes) and CSV in long format.
module GazeInsight.Experiments.PaperRender

open System
open System.Globalization
open System.Text
open GazeInsight.Experiments.PaperTables

let private fmt (v: float) = v.ToString("F2", CultureInfo.InvariantCulture)

let private dagger (e: Entry) = e.P |> Option.exists (fun p -> p < significanceLevel)

/// An entry's text: "mean ± std" (the mean alone for one seed), styled by rank, then the
/// dagger and the footnote marker; "–" and a marker when there is no value.
let private entryText (m: Metric) (e: Entry) (style: int option -> string -> string) (pm: string) (sign: string) (mark: string -> string) =
    let noteMark = e.Note |> Option.map (marker >> mark) |> Option.defaultValue ""

    match e.Stat with
    | None -> "–" + noteMark
    | Some s ->
        let k = Tables.scale m
        let value = if s.Seeds = 1 then fmt (s.Mean * k) else fmt (s.Mean * k) + pm + fmt (s.Std * k)
        style e.Rank value + (if dagger e then sign else "") + noteMark

let private footnotes (t: CrossTable) = t.Notes |> List.mapi (fun i n -> marker i, n)

let markdown (t: CrossTable) =
    let sb = StringBuilder()

    let headers =
        "" :: [ for g in t.Groups do
                    for m in g.Metrics do
                        yield $"{g.Label}: {Tables.metricLabel m}" ]

    sb.Append("| ").Append(String.Join(" | ", headers)).Append(" |\n") |> ignore
    sb.Append("|").Append(String.Join("|", headers |> List.mapi (fun i _ -> if i = 0 then "---" else "---:"))).Append("|\n") |> ignore

    let style rank s =
        match rank with
        | Some 1 -> $"**{s}**"
        | Some 2 -> $"<u>{s}</u>"
        | _ -> s

    for r in t.Rows do
        let label = if r.IsBaseline then r.Label + " (baseline)" else r.Label

        let values =
            [ for g, es in List.zip t.Groups r.Entries do
                  for m, e in List.zip g.Metrics es do
                      yield entryText m e style " ± " "†" (fun k -> $" [{k}]") ]

        sb.Append("| ").Append(String.Join(" | ", label :: values)).Append(" |\n") |> ignore

    sb.Append('\n').Append(t.Caption).Append('\n') |> ignore

    for k, n in footnotes t do
        sb.Append($"\n[{k}] {n}") |> ignore

    if not t.Notes.IsEmpty then
        sb.Append('\n') |> ignore

    sb.ToString()

let latex (paper: string) (t: CrossTable) =
    let esc = Render.latexEscape
    let sb = StringBuilder()
    let groupCols = t.Groups |> List.map (fun g -> String('r', g.Metrics.Length))
    sb.Append("\\begin{table}[t]\n\\centering\n") |> ignore
    sb.Append("\\caption{").Append((esc t.Caption).Replace("†", "$^\\dagger$").Replace("<", "$<$")).Append("}\n") |> ignore
    sb.Append("\\label{tab:").Append(esc paper).Append('-').Append(esc t.Name).Append("}\n") |> ignore
    sb.Append("\\begin{tabular}{l").Append(String.Join("", groupCols)).Append("}\n\\toprule\n") |> ignore

    let spans = t.Groups |> List.map (fun g -> $"\\multicolumn{{{g.Metrics.Length}}}{{c}}{{{esc g.Label}}}")
    sb.Append(String.Join(" & ", "" :: spans)).Append(" \\\\\n") |> ignore

    let rules =
        t.Groups
        |> List.fold (fun (col, acc) g -> col + g.Metrics.Length, acc @ [ $"\\cmidrule(lr){{{col}-{col + g.Metrics.Length - 1}}}" ]) (2, [])
        |> snd

    sb.Append(String.Join(" ", rules)).Append('\n') |> ignore
    let headers = "Method" :: [ for g in t.Groups do yield! g.Metrics |> List.map Tables.metricLabel ]
    sb.Append(String.Join(" & ", headers |> List.map esc)).Append(" \\\\\n\\midrule\n") |> ignore

    let style rank s =
        match rank with
        | Some 1 -> $"\\textbf{{{s}}}"
        | Some 2 -> $"\\underline{{{s}}}"
        | _ -> s

    for r in t.Rows do
        let values =
            [ for g, es in List.zip t.Groups r.Entries do
                  for m, e in List.zip g.Metrics es do
                      yield (entryText m e style " $\\pm$ " "$^\\dagger$" (fun k -> $"\\textsuperscript{{{k}}}")).Replace("–", "--") ]

        let label = esc r.Label + (if r.IsBaseline then " (baseline)" else "")
        sb.Append(String.Join(" & ", label :: values)).Append(" \\\\\n") |> ignore

    sb.Append("\\bottomrule\n\\end{tabular}\n") |> ignore

    if not t.Notes.IsEmpty then
        sb.Append("\\par\\smallskip\n{\\footnotesize\n") |> ignore

        for k, n in footnotes t do
            sb.Append($"\\textsuperscript{{{k}}} ").Append(esc n).Append("\\\\\n") |> ignore

        sb.Append("}\n") |> ignore

    sb.Append("\\end{table}\n").ToString()

let private csvField = GazeInsight.Imaging.IO.Csv.Field

let private num = GazeInsight.Imaging.IO.Csv.Number

/// Long format, one line per data set x row x metric, in the metric's own unit (fractions for
/// Dice/IoU): mean, std, n (seeds with a value), expected seeds, p, rank, and the footnote.
let csv (t: CrossTable) =
    let sb = StringBuilder("dataset,row,metric,mean,std,n,expected,p,rank,note\n")

    for r in t.Rows do
        for g, es in List.zip t.Groups r.Entries do
            for m, e in List.zip g.Metrics es do
                let mean, std, n =
                    match e.Stat with
                    | Some s -> num s.Mean, num s.Std, s.Seeds
                    | None -> "", "", 0

                let p = e.P |> Option.map num |> Option.defaultValue ""
                let rank = e.Rank |> Option.map string |> Option.defaultValue ""
                let noteText = e.Note |> Option.map (fun i -> csvField t.Notes[i]) |> Option.defaultValue ""
                sb.Append($"{csvField g.Dataset},{csvField r.Label},{m.Name},{mean},{std},{n},{e.Expected},{p},{rank},{noteText}\n") |> ignore

    sb.ToString()
