/// The results report: one self-contained HTML page (styles, a few lines of script and every
/// image inlined as base64 PNG; nothing is fetched when it is opened) with the experiment's
/// description, the rows and their config differences, the state of every cell, every table,
/// the Dice box plots and training curves (ScottPlot, as next to table.md) and a per-case
/// gallery of one row sorted by Dice, worst first. The page is built from plain values
/// (`Section`s); reading results, data and rendering PNGs happen at the edge (`experimentSection`).
module GazeInsight.Runner.Report

open System
open System.Globalization
open System.IO
open System.Net
open System.Text
open GazeInsight.Experiments

let esc (s: string) : string =
    match WebUtility.HtmlEncode s with
    | null -> ""
    | e -> e

let private fmt (v: float) = v.ToString("F2", CultureInfo.InvariantCulture)

/// An inline PNG.
let img (alt: string) (png: byte[]) =
    $"<img alt=\"{esc alt}\" src=\"data:image/png;base64,{Convert.ToBase64String png}\">"

/// One case of the gallery: its Dice (mean over seeds, %) and its pictures.
type GalleryCase =
    { Case: string
      Dice: float
      /// The image with the ground truth's outline (blue, as in the prediction's overlay).
      Overlay: byte[]
      /// The gaze map over the image (None where the data set has none).
      Gaze: byte[] option
      /// One seed's prediction: the image, gaze in red, the ground truth's outline in blue, the
      /// prediction's in green (PredictionWriter's overlay; None where the cell has no checkpoint).
      Prediction: byte[] option
      /// The FGI teacher's attention to the text per scale, x1..x4 (empty for other methods).
      Attention: byte[] list }

type Section =
    { Title: string
      /// HTML.
      Body: string }

/// A table of an experiment as HTML: best in bold, p-values, the caption below.
let tableHtml (t: Tables.Table) =
    let sb = StringBuilder("<table class=\"results\"><thead><tr><th></th>")

    for m in t.Metrics do
        sb.Append($"<th>{esc (Tables.metricLabel m)}</th>") |> ignore

    if t.HasSignificance then
        for m in t.Metrics do
            sb.Append($"<th>p ({esc ((Tables.metricLabel m).Split(' ')[0])})</th>") |> ignore

    sb.Append("</tr></thead><tbody>") |> ignore

    for r in t.Rows do
        let label = if r.IsBaseline then r.Label + " (baseline)" else r.Label
        sb.Append($"<tr><th>{esc label}</th>") |> ignore

        for m, e in List.zip t.Metrics r.Entries do
            let k = Tables.scale m

            let text =
                match e.Stat with
                | None -> "missing"
                | Some s when s.Seeds = 1 -> fmt (s.Mean * k) + (if e.Expected > 1 then $" (1 of {e.Expected} seeds)" else "")
                | Some s -> fmt (s.Mean * k) + " ± " + fmt (s.Std * k) + (if s.Seeds < e.Expected then $" ({s.Seeds}/{e.Expected})" else "")

            let text = if e.Best then $"<b>{esc text}</b>" else esc text
            sb.Append($"<td>{text}</td>") |> ignore

        if t.HasSignificance then
            for e in r.Entries do
                let p =
                    match e.P with
                    | None -> ""
                    | Some p when p < 0.001 -> "&lt;0.001"
                    | Some p -> p.ToString("F3", CultureInfo.InvariantCulture)

                sb.Append($"<td>{p}</td>") |> ignore

        sb.Append("</tr>") |> ignore

    sb.Append($"</tbody></table><p class=\"caption\">{esc t.Caption}</p>").ToString()

/// A cross-data-set table as HTML: a header row of data sets over one of metrics; best bold,
/// second underlined, dagger, footnotes.
let crossTableHtml (t: PaperTables.CrossTable) =
    let sb = StringBuilder("<table class=\"results\"><thead><tr><th></th>")

    for g in t.Groups do
        sb.Append($"<th colspan=\"{g.Metrics.Length}\" class=\"group\">{esc g.Label}</th>") |> ignore

    sb.Append("</tr><tr><th></th>") |> ignore

    for g in t.Groups do
        for m in g.Metrics do
            sb.Append($"<th>{esc (Tables.metricLabel m)}</th>") |> ignore

    sb.Append("</tr></thead><tbody>") |> ignore

    for r in t.Rows do
        let label = if r.IsBaseline then r.Label + " (baseline)" else r.Label
        sb.Append($"<tr><th>{esc label}</th>") |> ignore

        for g, es in List.zip t.Groups r.Entries do
            for m, e in List.zip g.Metrics es do
                let k = Tables.scale m

                let value =
                    match e.Stat with
                    | None -> "–"
                    | Some s when s.Seeds = 1 -> esc (fmt (s.Mean * k))
                    | Some s -> esc (fmt (s.Mean * k) + " ± " + fmt (s.Std * k))

                let styled =
                    match e.Rank with
                    | Some 1 when e.Stat.IsSome -> $"<b>{value}</b>"
                    | Some 2 when e.Stat.IsSome -> $"<u>{value}</u>"
                    | _ -> value

                let dagger = if e.P |> Option.exists (fun p -> p < PaperTables.significanceLevel) then "†" else ""
                let note = e.Note |> Option.map (fun i -> $"<sup>{PaperTables.marker i}</sup>") |> Option.defaultValue ""
                sb.Append($"<td>{styled}{dagger}{note}</td>") |> ignore

        sb.Append("</tr>") |> ignore

    sb.Append($"</tbody></table><p class=\"caption\">{esc t.Caption}</p>") |> ignore

    if not t.Notes.IsEmpty then
        sb.Append("<ol class=\"notes\" type=\"a\">") |> ignore

        for n in t.Notes do
            sb.Append($"<li>{esc n}</li>") |> ignore

        sb.Append("</ol>") |> ignore

    sb.ToString()

/// The gallery: one figure per case with its Dice; a button re-sorts (worst first, then best first).
/// `predicted`: which cell and checkpoint the predictions come from, or why there are none.
let galleryHtml (row: string) (total: int) (predicted: string) (cases: GalleryCase list) =
    let sb = StringBuilder()
    let shown = if cases.Length < total then $"the {cases.Length} worst of {total} test cases" else $"all {total} test cases"

    sb.Append($"<p>Row <b>{esc row}</b>, {shown}, by Dice per case (mean over seeds): ground truth outlined in blue; gaze map in red; {esc predicted}. ")
      .Append("<button type=\"button\" class=\"sort\" data-order=\"worst\">show best first</button></p><div class=\"gallery\">")
    |> ignore

    for c in cases do
        let dice = fmt c.Dice
        sb.Append($"<figure data-dice=\"{c.Dice.ToString(CultureInfo.InvariantCulture)}\">") |> ignore
        sb.Append(img $"{c.Case}: image and ground truth" c.Overlay) |> ignore

        match c.Gaze with
        | Some g -> sb.Append(img $"{c.Case}: gaze map" g) |> ignore
        | None -> ()

        match c.Prediction with
        | Some p -> sb.Append(img $"{c.Case}: prediction (green) and ground truth (blue)" p) |> ignore
        | None -> ()

        c.Attention |> List.iteri (fun i a -> sb.Append(img $"{c.Case}: teacher attention x{i + 1}" a) |> ignore)

        sb.Append($"<figcaption>{esc c.Case}: Dice {dice}%%</figcaption></figure>") |> ignore

    sb.Append("</div>").ToString()

let private style =
    """body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1200px;padding:0 1em;color:#222}
table.results{border-collapse:collapse;margin:1em 0}table.results th,table.results td{padding:.3em .7em;border-bottom:1px solid #ddd;text-align:right}
table.results th:first-child{text-align:left}th.group{text-align:center!important;border-bottom:1px solid #888}
p.caption{font-size:.9em;color:#555;max-width:60em}ol.notes{font-size:.9em;color:#555}
.state-failed{color:#b00}.state-running{color:#06c}.state-pending,.state-interrupted{color:#888}
.gallery{display:flex;flex-wrap:wrap;gap:.6em}.gallery figure{margin:0;border:1px solid #ddd;padding:.3em}
.gallery img{width:128px;height:128px;image-rendering:pixelated;margin-right:2px}figcaption{font-size:.8em}
img.plot{max-width:100%}"""

/// Counts decoded images and script errors into <body data-...> (what the browser test reads),
/// and sorts each gallery by Dice on request.
let private script =
    """window.giErrors=0;window.addEventListener('error',function(){window.giErrors++;document.body.dataset.errors=window.giErrors;});
function giCount(){var imgs=document.images,ok=0;for(var i=0;i<imgs.length;i++){if(imgs[i].complete&&imgs[i].naturalWidth>0)ok++;}
document.body.dataset.imagesDecoded=ok+'/'+imgs.length;document.body.dataset.errors=window.giErrors;}
window.addEventListener('load',giCount);
document.querySelectorAll('button.sort').forEach(function(b){b.addEventListener('click',function(){
var g=b.parentElement.nextElementSibling,worst=b.dataset.order==='worst';
var fs=Array.prototype.slice.call(g.children).sort(function(x,y){var d=parseFloat(x.dataset.dice)-parseFloat(y.dataset.dice);return worst?-d:d;});
fs.forEach(function(f){g.appendChild(f);});b.dataset.order=worst?'best':'worst';b.textContent=worst?'show worst first':'show best first';});});
giCount();"""

/// The whole page.
let page (title: string) (intro: string) (sections: Section list) =
    let sb = StringBuilder()
    sb.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">") |> ignore
    sb.Append($"<title>{esc title}</title><style>{style}</style></head><body>") |> ignore
    sb.Append($"<h1>{esc title}</h1>") |> ignore

    if intro <> "" then
        sb.Append($"<p>{esc intro}</p>") |> ignore

    sb.Append("<nav><ul>") |> ignore

    for i, s in List.indexed sections do
        sb.Append($"<li><a href=\"#s{i}\">{esc s.Title}</a></li>") |> ignore

    sb.Append("</ul></nav>") |> ignore

    for i, s in List.indexed sections do
        sb.Append($"<section id=\"s{i}\"><h2>{esc s.Title}</h2>{s.Body}</section>") |> ignore

    sb.Append($"<script>{script}</script></body></html>\n").ToString()

// ---- the edge: PNGs, data, the store ----

/// Renders a figure through a temporary file (ScottPlot and ImageFile write files) into bytes.
let private pngBytes (draw: string -> bool) : byte[] option =
    let tmp = Path.Combine(Path.GetTempPath(), $"gi-report-{Environment.ProcessId}-{Guid.NewGuid():N}.png")

    try
        if draw tmp && File.Exists tmp then Some(File.ReadAllBytes tmp) else None
    finally
        if File.Exists tmp then
            File.Delete tmp

/// Gray (min-max of the image) or RGB bytes of a raster, resized by nearest neighbour so that
/// its longer side is at most `maxSide`.
let private displayRgb (image: GazeInsight.Imaging.Data.RasterImage) (maxSide: int) =
    let h, w = image.Height, image.Width
    let scale = max 1.0 (float (max h w) / float maxSide)
    let oh, ow = max 1 (int (float h / scale)), max 1 (int (float w / scale))
    let plane = h * w
    let lo, hi = Array.min image.Pixels, Array.max image.Pixels
    let range = if hi > lo then hi - lo else 1.0f
    let rgb = Array.zeroCreate<byte> (oh * ow * 3)
    let source y x = min (h - 1) (int (float y * scale)) * w + min (w - 1) (int (float x * scale))

    for y in 0 .. oh - 1 do
        for x in 0 .. ow - 1 do
            let i = source y x

            for c in 0..2 do
                let channel = if image.Channels >= 3 then c else 0
                let v = (image.Pixels[channel * plane + i] - lo) / range * 255.0f
                rgb[(y * ow + x) * 3 + c] <- byte (Math.Clamp(v, 0.0f, 255.0f))

    rgb, oh, ow, source

let private savePng (rgb: byte[]) (h: int) (w: int) =
    pngBytes (fun path ->
        GazeInsight.Imaging.IO.ImageFile.WriteRgb8(path, w, h, ReadOnlySpan<byte>(rgb))
        true)
    |> Option.get

/// The image with the mask's outline in blue (a pixel of the mask with a 4-neighbour outside it), the
/// colour PredictionWriter gives the ground truth, so that green is always a prediction.
let overlayPng (image: GazeInsight.Imaging.Data.RasterImage) (mask: byte[]) (maxSide: int) =
    let rgb, oh, ow, _ = displayRgb image maxSide
    let h, w = image.Height, image.Width
    let scale = max 1.0 (float (max h w) / float maxSide)
    let inside y x = y >= 0 && y < oh && x >= 0 && x < ow && mask[min (h - 1) (int (float y * scale)) * w + min (w - 1) (int (float x * scale))] <> 0uy

    for y in 0 .. oh - 1 do
        for x in 0 .. ow - 1 do
            if inside y x && not (inside (y - 1) x && inside (y + 1) x && inside y (x - 1) && inside y (x + 1)) then
                let p = (y * ow + x) * 3
                rgb[p] <- 0uy
                rgb[p + 1] <- 128uy
                rgb[p + 2] <- 255uy

    savePng rgb oh ow

/// The gaze map (0..1) blended in red over the image.
let gazePng (image: GazeInsight.Imaging.Data.RasterImage) (gaze: float32[]) (maxSide: int) =
    let rgb, oh, ow, source = displayRgb image maxSide

    for y in 0 .. oh - 1 do
        for x in 0 .. ow - 1 do
            let g = float gaze[source y x] * 0.7
            let p = (y * ow + x) * 3
            rgb[p] <- byte (float rgb[p] * (1.0 - g) + 255.0 * g)
            rgb[p + 1] <- byte (float rgb[p + 1] * (1.0 - g))
            rgb[p + 2] <- byte (float rgb[p + 2] * (1.0 - g))

    savePng rgb oh ow

/// The rows of an experiment: description and differences from the base configuration.
let private rowsHtml (spec: ExperimentSpec) =
    let baseDir = Toml.dirOf spec.File
    let reference = Plan.reference spec
    let sb = StringBuilder("<table class=\"results\"><thead><tr><th>row</th><th>description</th><th>differences from the base configuration</th></tr></thead><tbody>")

    for row, cells in spec.Cells |> List.groupBy _.Row do
        let description = spec.Variants |> List.tryFind (fun v -> v.Name = cells.Head.Variant) |> Option.map _.Description |> Option.defaultValue ""

        let diffs =
            match reference with
            | Some r -> Plan.differences baseDir r cells.Head.Config
            | None -> []

        let shown = if diffs.IsEmpty then "(as the base)" else String.Join(", ", diffs |> List.map (fun (k, v) -> $"{k} = {v}"))
        sb.Append($"<tr><th>{esc row}</th><td style=\"text-align:left\">{esc description}</td><td style=\"text-align:left\"><code>{esc shown}</code></td></tr>") |> ignore

    sb.Append("</tbody></table>").ToString()

/// Every cell's state (finished, running, failed with its reason, interrupted, pending).
let private cellsHtml (spec: ExperimentSpec) (resultsRoot: string) (results: Tables.Results) =
    let sb = StringBuilder("<table class=\"results\"><thead><tr><th>cell</th><th>row</th><th>seed</th><th>state</th><th>best iteration</th><th>training (s)</th></tr></thead><tbody>")

    for c in spec.Cells do
        let state, detail =
            match Store.state (Store.cellDir resultsRoot spec.Name c.Id) with
            | Plan.Finished -> "finished", ""
            | Plan.Running -> "running", ""
            | Plan.Failed r -> "failed", r
            | Plan.Interrupted -> "interrupted", "resumes from its last checkpoint"
            | Plan.Pending -> "pending", ""

        let best, seconds =
            match Map.tryFind c.Id results with
            | Some r -> string r.BestIteration, r.TrainSeconds.ToString("F0", CultureInfo.InvariantCulture)
            | None -> "", ""

        let detail = if detail = "" then "" else ": " + detail
        sb.Append($"<tr><td><code>{c.Id}</code></td><th>{esc c.Row}</th><td>{c.Seed}</td><td class=\"state-{state}\">{esc (state + detail)}</td><td>{best}</td><td>{seconds}</td></tr>") |> ignore

    sb.Append("</tbody></table>").ToString()

/// Options of the report.
type Options =
    { ResultsRoot: string
      CacheDir: string
      /// The gallery's row (None: the first row of the first table).
      GalleryRow: string option
      /// At most this many cases in a gallery (the worst ones).
      GalleryLimit: int }

/// The predictions of the gallery's cases by the row's first finished seed (its best checkpoint,
/// on the CPU), through the same writer as `runner predict`: per id the overlay and, for an FGI
/// cell with text, the teacher's attention maps. Returns what to say about them and a lookup.
let private galleryPredictions
    (spec: ExperimentSpec)
    (o: Options)
    (cells: Cell list)
    (output: Output)
    (data: GazeInsight.Imaging.Data.SegmentationDataset)
    (ids: string list)
    : string * (string -> byte[] option * byte[] list) =
    let none = fun (_: string) -> None, []
    let cellDirOf (c: Cell) = Store.cellDir o.ResultsRoot spec.Name c.Id

    let trained =
        cells
        |> List.sortBy _.Seed
        |> List.tryFind (fun c -> Directory.Exists(GazeInsight.Torch.Training.CheckpointStore(cellDirOf c).BestFolder))

    match trained with
    | None -> "no trained checkpoint, so no predictions", none
    | Some cell ->
        let dir = cellDirOf cell
        let store = GazeInsight.Torch.Training.CheckpointStore(dir)
        let scratch = Path.Combine(Path.GetTempPath(), "gazeinsight-report-" + Guid.NewGuid().ToString("N"))
        let device = GazeInsight.Torch.Backend.TorchBackend.ResolveDevice "cpu"
        let idList = ResizeArray ids :> Collections.Generic.IReadOnlyList<string>

        let predictInto (which: Output) (folder: string) =
            CellPrediction.write dir cell.Config store.BestFolder data idList which "cpu" device (Path.Combine(scratch, folder))

        let readPng (path: string) = if File.Exists path then Some(File.ReadAllBytes path) else None

        // the page is written after the results are complete: a prediction that fails (a checkpoint
        // unreadable, a shape that no longer matches) is said on the page, not a failed sweep
        try
            try
                match predictInto output "headline" with
                | Error problems -> $"no predictions ({String.Join(' ', problems)})", none
                | Ok _ ->
                    // the teacher reads the text: its attention per scale, whatever output the row shows
                    let attention =
                        if List.contains Output.Teacher (MethodOutputs.all cell.Config.Method) && TorchEngine.needsText cell.Config then
                            match predictInto Output.Teacher "teacher" with
                            | Ok _ -> true
                            | Error _ -> false
                        else
                            false

                    let byId =
                        ids
                        |> List.map (fun id ->
                            let overlay = readPng (Path.Combine(scratch, "headline", "overlays", id + ".png"))

                            let maps =
                                if attention then
                                    [ 1..4 ] |> List.choose (fun s -> readPng (Path.Combine(scratch, "teacher", "attention", $"{id}_x{s}.png")))
                                else
                                    []

                            id, (overlay, maps))
                        |> Map.ofList

                    let said =
                        $"predictions of seed {cell.Seed} (cell {cell.Id}, best checkpoint, output {output.Name}): ground truth in blue, prediction in green"
                        + (if attention then "; the teacher's attention to the text at scales x1..x4" else "")

                    said, (fun id -> Map.tryFind id byId |> Option.defaultValue (None, []))
            with ex ->
                $"no predictions ({ex.GetType().Name}: {ex.Message})", none
        finally
            if Directory.Exists scratch then Directory.Delete(scratch, true)

/// The gallery of one row: per test case, Dice averaged over the seeds; the data is read from the
/// cell's data set (a synthetic set is generated into the cache if it is not there yet).
let private gallery (spec: ExperimentSpec) (results: Tables.Results) (o: Options) : string =
    let firstTable = spec.Tables.Head

    let row, output =
        match o.GalleryRow with
        | Some r -> r, None
        | None ->
            match firstTable.Rows with
            | Some(r :: _) -> r.Variant, r.Output
            | _ -> spec.Cells.Head.Row, None

    match spec.Cells |> List.filter (fun c -> c.Row = row) with
    | [] -> $"<p>No row \"{esc row}\" in this experiment.</p>"
    | cells ->
        let output = output |> Option.defaultValue (MethodOutputs.headline cells.Head.Config.Method)
        let perCase = Aggregate.perCase output Best Metric.Dice (cells |> List.choose (fun c -> Map.tryFind c.Id results))

        if perCase.IsEmpty then
            $"<p>Row \"{esc row}\" has no finished cell yet.</p>"
        else
            let cfg = cells.Head.Config

            let dataRoot, layout =
                match cfg.Data.Source with
                | Synthetic s ->
                    let options = TorchEngine.syntheticOptions s
                    GazeInsight.Imaging.Synthetic.SyntheticDataset.Ensure(options, o.CacheDir, null) |> ignore
                    TorchEngine.dataRoot (TorchEngine.Generated options) o.CacheDir
                | Folder(root, layout) -> root, layout

            if not (Directory.Exists dataRoot) then
                $"<p>The data of this experiment is not on this machine ({esc dataRoot}).</p>"
            else
                let data = GazeInsight.Imaging.Data.SegmentationDataset.Open(dataRoot, layout, cfg.Data.GazeMap)
                let known = Set.ofSeq data.TestIds
                let worst = perCase |> Map.toList |> List.filter (fun (id, _) -> known.Contains id) |> List.sortBy snd |> List.truncate o.GalleryLimit

                let ids = worst |> List.map fst
                let predicted, predictions = galleryPredictions spec o cells output data ids

                let cases =
                    worst
                    |> List.map (fun (id, dice) ->
                        let sample = data.Load id
                        let prediction, attention = predictions id

                        { Case = id
                          Dice = 100.0 * dice
                          Overlay = overlayPng sample.Image sample.Mask 128
                          Gaze = sample.GazeMap |> Option.ofObj |> Option.map (fun g -> gazePng sample.Image g 128)
                          Prediction = prediction
                          Attention = attention })

                let label = if output <> MethodOutputs.headline cfg.Method then $"{row}:{output.Name}" else row
                galleryHtml label perCase.Count predicted cases

/// The sections of one experiment: rows, cells, tables with their box plots, curves, gallery.
let experimentSections (spec: ExperimentSpec) (o: Options) : Section list =
    let results = Tables.load spec (fun c -> Store.readResult (Store.cellDir o.ResultsRoot spec.Name c.Id))
    let lookup = Tables.lookup results
    let prefix = spec.Name + ": "

    [ yield { Title = prefix + "rows"; Body = rowsHtml spec }
      yield { Title = prefix + "cells"; Body = cellsHtml spec o.ResultsRoot results }

      for t in spec.Tables do
          let table = Tables.build spec t results

          let plot =
              pngBytes (Plots.dice spec t lookup)
              |> Option.map (fun png -> "<p>" + (img ("Dice per case, per row (" + t.Name + ")") png).Replace("<img ", "<img class=\"plot\" ") + "</p>")
              |> Option.defaultValue ""

          yield { Title = $"{prefix}table {t.Name}"; Body = tableHtml table + plot }

      match pngBytes (Plots.curves spec lookup) with
      | Some png -> yield { Title = prefix + "training curves"; Body = (img "Validation Dice and training loss per row" png).Replace("<img ", "<img class=\"plot\" ") }
      | None -> yield { Title = prefix + "training curves"; Body = "<p>No finished cell yet.</p>" }

      yield { Title = prefix + "per-case gallery"; Body = gallery spec results o } ]

/// results/<name>/report/index.html, written atomically; returns its path.
let write (name: string) (html: string) (resultsRoot: string) =
    let path = Path.Combine(Store.experimentDir resultsRoot name, "report", "index.html")
    Directory.CreateDirectory(Path.GetDirectoryName path |> nonNull) |> ignore
    Store.writeAtomic path html
    path

let writeExperiment (spec: ExperimentSpec) (o: Options) =
    write spec.Name (page spec.Name spec.Description (experimentSections spec o)) o.ResultsRoot

let writePaper (paper: Paper.PaperSpec) (experiments: (Paper.DatasetRef * ExperimentSpec) list) (data: PaperTables.DatasetResults list) (o: Options) =
    let cross =
        paper.Tables
        |> List.map (fun t -> { Title = $"table {t.Name}"; Body = crossTableHtml (PaperTables.build paper t data) })

    let perExperiment = experiments |> List.collect (fun (_, spec) -> experimentSections spec o)
    write paper.Name (page paper.Name paper.Description (cross @ perExperiment)) o.ResultsRoot

/// After a sweep with the real engine: the experiment's report next to its tables. A problem
/// writing it is one line and does not change the sweep's outcome (the results are complete).
let afterSweep (spec: ExperimentSpec) (resultsRoot: string) (cacheDir: string) =
    try
        let path =
            writeExperiment
                spec
                { ResultsRoot = resultsRoot
                  CacheDir = cacheDir
                  GalleryRow = None
                  GalleryLimit = 40 }

        printfn "report: %s" path
    with Cli.UserProblem message ->
        Cli.printError $"report not written: {message}"
