/// `runner gaze build | simulate | stats | benchmark`: fixations to pseudo-masks, simulated gaze,
/// annotation time, and the pseudo-mask quality benchmark (docs/gaze.md).
module GazeInsight.Runner.Commands.Gaze

open System
open System.Globalization
open System.IO
open Argu
open GazeInsight.Imaging.Data
open GazeInsight.Imaging.Gaze
open GazeInsight.Imaging.Synthetic
open GazeInsight.Runner

[<RequireQualifiedAccess>]
type CrfFilterName =
    | Lattice
    | Exact

type BuildArgs =
    | [<Mandatory; Unique>] Data of dir: string
    | [<Mandatory; Unique>] Fixations of csv: string
    | [<Unique>] Layout of Cli.LayoutChoice
    | [<Unique>] Sigma of px: float
    | [<Unique>] Crf_Spatial_Std of px: float
    | [<Unique>] Crf_Colour_Std of value: float
    | [<Unique>] Crf_Iterations of n: int
    | [<Unique>] Crf_Filter of CrfFilterName

    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | Data _ -> "data root; writes gaze/heatmap/<id>.png and gaze/crf_compat1/<id>.png there."
            | Fixations _ -> "fixation CSV in the released GazeMedSeg format."
            | Layout _ -> "generic (default), kvasir, nci-isbi or isic."
            | Sigma _ -> "heatmap Gaussian sigma in 768-canvas pixels (default 50 for nci-isbi, else 70)."
            | Crf_Spatial_Std _ -> "CRF bilateral spatial std, pixels (default 80)."
            | Crf_Colour_Std _ -> "CRF bilateral colour std (default 13)."
            | Crf_Iterations _ -> "CRF mean-field iterations (default 10)."
            | Crf_Filter _ -> "lattice (permutohedral, default) or exact (all pairs; small images only)."

type SimulateArgs =
    | [<Mandatory; Unique>] Data of dir: string
    | [<Mandatory; Unique>] Out of csv: string
    | [<Unique>] Layout of Cli.LayoutChoice
    | [<Unique>] Seed of int64
    | [<Unique>] Min_Fixations of int
    | [<Unique>] Max_Fixations of int
    | [<Unique>] Centre_Bias of fraction: float
    | [<Unique>] Centre_Spread of radii: float
    | [<Unique>] Boundary_Sweep of fraction: float
    | [<Unique>] Noise_Px of px: float
    | [<Unique>] Off_Target of fraction: float
    | [<Unique>] Duration_Median of ms: float
    | [<Unique>] Duration_Log_Sigma of sigma: float

    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | Data _ -> "data root with images and true masks."
            | Out _ -> "fixation CSV to write (released GazeMedSeg format)."
            | Layout _ -> "generic (default), kvasir, nci-isbi or isic."
            | Seed _ -> "seed (default 0); each image's fixations depend only on the seed and its name."
            | Min_Fixations _ -> "fewest fixations per image (default 8)."
            | Max_Fixations _ -> "most fixations per image (default 20)."
            | Centre_Bias _ -> "fraction of interior fixations drawn around the mask centroid (default 0.5)."
            | Centre_Spread _ -> "std of those, in mask equivalent radii (default 0.5)."
            | Boundary_Sweep _ -> "fraction of on-target fixations sweeping the boundary (default 0.3)."
            | Noise_Px _ -> "Gaussian positional noise std, image pixels (default 10)."
            | Off_Target _ -> "fraction of fixations outside the mask (default 0.15)."
            | Duration_Median _ -> "median fixation duration, ms (log-normal; default 250)."
            | Duration_Log_Sigma _ -> "std of ln(duration) (default 0.5)."

type StatsArgs =
    | [<Mandatory; Unique>] Fixations of csv: string
    | [<Unique>] Dense_Hours of hours: float
    | [<Unique>] Gaze_Hours of hours: float
    | [<Unique>] Reference_Images of n: int
    | [<Unique>] Dense_Seconds_Per_Mask of seconds: float
    | Per_Image
    | [<Unique>] Out of markdown: string

    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | Fixations _ -> "fixation CSV in the released GazeMedSeg format."
            | Dense_Hours _ -> "reference dense-annotation hours (default 18.7, the paper)."
            | Gaze_Hours _ -> "reference gaze-annotation hours (default 2.2, the paper)."
            | Reference_Images _ -> "images the reference hours cover (default 1000, Kvasir-SEG: an assumption)."
            | Dense_Seconds_Per_Mask _ -> "dense cost per mask, seconds (default dense hours / reference images)."
            | Per_Image -> "also print one row per image."
            | Out _ -> "also write the comparison table to this Markdown file."

type BenchmarkArgs =
    | [<Unique>] Data of dir: string
    | [<Unique>] Fixations of csv: string
    | [<Unique>] Layout of Cli.LayoutChoice
    | [<Unique>] Cache of dir: string
    | [<Unique>] Thresholds of csv: string
    | [<Unique>] Limit of n: int
    | [<Unique>] Exact of n: int
    | [<Unique>] Crf_Spatial_Std of px: float
    | [<Unique>] Crf_Colour_Std of value: float
    | [<Unique>] Sigma of px: float
    | [<Unique>] Experiment of toml: string
    | Set of ``key=value``: string

    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | Data _ -> "data root (default: the default synthetic set, generated into --cache)."
            | Experiment _ -> "score the data of this experiment's first cell instead (a synthetic set is generated into --cache)."
            | Set _ -> "with --experiment: set a dotted key first, e.g. data.synthetic.decoys=1 (as sweep --set)."
            | Fixations _ -> "fixation CSV (default <data>/gaze/fixations.csv)."
            | Layout _ -> "generic (default), kvasir, nci-isbi or isic."
            | Cache _ -> "cache folder for the synthetic set (default .cache)."
            | Thresholds _ -> "comma-separated thresholds (default 0.5,0.4,0.3,0.2)."
            | Limit _ -> "score at most this many images (default all)."
            | Exact _ -> "also run the exact-filter CRF on the first N images (slow: seconds per 96x96 image)."
            | Crf_Spatial_Std _ -> "CRF bilateral spatial std, pixels (default 80)."
            | Crf_Colour_Std _ -> "CRF bilateral colour std (default 13)."
            | Sigma _ -> "heatmap sigma in canvas pixels (default: an experiment's synthetic set's own, else 50 for nci-isbi, 70 otherwise)."

[<RequireSubcommand>]
type Args =
    | [<CliPrefix(CliPrefix.None)>] Build of ParseResults<BuildArgs>
    | [<CliPrefix(CliPrefix.None)>] Simulate of ParseResults<SimulateArgs>
    | [<CliPrefix(CliPrefix.None)>] Stats of ParseResults<StatsArgs>
    | [<CliPrefix(CliPrefix.None)>] Benchmark of ParseResults<BenchmarkArgs>

    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | Build _ -> "fixation CSV -> gaze/heatmap and gaze/crf_compat1 soft maps for a data set."
            | Simulate _ -> "simulate fixations from true masks; writes a CSV in the released format."
            | Stats _ -> "annotation time per image and in total, compared with dense annotation."
            | Benchmark _ -> "Dice of thresholded heatmap and CRF maps against true masks; CRF ms/image."

let private inv (v: float) = v.ToString("0.####", CultureInfo.InvariantCulture)

let private defaultSigma (layout: string) =
    if layout = "nci-isbi" then HeatmapOptions.Prostate.Sigma else HeatmapOptions.Kvasir.Sigma

let private crfOptions spatial colour iterations filter =
    let d = DenseCrfOptions()

    DenseCrfOptions(
        SpatialStd = defaultArg spatial d.SpatialStd,
        ColourStd = defaultArg colour d.ColourStd,
        Iterations = defaultArg iterations d.Iterations,
        Filter =
            (match filter with
             | Some CrfFilterName.Exact -> BilateralFilterKind.Exact
             | _ -> BilateralFilterKind.Permutohedral)
    )

let private build (args: ParseResults<BuildArgs>) =
    let layout = args.GetResult(BuildArgs.Layout, Cli.LayoutChoice.Generic).Name
    let heatmap = HeatmapOptions(args.GetResult(BuildArgs.Sigma, defaultSigma layout))

    let crf =
        crfOptions
            (args.TryGetResult BuildArgs.Crf_Spatial_Std)
            (args.TryGetResult BuildArgs.Crf_Colour_Std)
            (args.TryGetResult BuildArgs.Crf_Iterations)
            (args.TryGetResult BuildArgs.Crf_Filter)

    let csv = args.GetResult BuildArgs.Fixations
    let data = args.GetResult BuildArgs.Data

    Cli.whenWritable
        [ if not (Directory.Exists data) then
              Error $"{data}: data folder not found"
          else
              Cli.writableFolder (Path.Combine(data, "gaze", GazeBuild.HeatmapFolder))
              |> Result.bind (fun () -> Cli.writableFolder (Path.Combine(data, "gaze", GazeBuild.CrfFolder))) ]
    <| fun () ->
        let report = GazeBuild.Run(data, layout, csv, heatmap, crf, null)

        for p in report.Problems do
            eprintfn "warning: %s" p

        printfn
            "fixations: %d used, %d skipped; images: %d built, %d in the CSV unknown to the data set, %d data set ids without fixations"
            report.FixationsUsed
            report.FixationsSkipped
            report.ImagesBuilt
            report.UnknownImages
            report.IdsWithoutGaze.Count

        if report.IdsWithoutGaze.Count > 0 then
            let shown = report.IdsWithoutGaze |> Seq.truncate 10 |> String.concat ", "
            let more = if report.IdsWithoutGaze.Count > 10 then ", ..." else ""
            eprintfn "warning: no fixations for %s%s (no maps written for them)" shown more

        // no image built: no time to report (a mean over nothing would print NaN)
        if report.ImagesBuilt > 0 then
            printfn
                "time per image (wall, %d threads): heatmap %.1f ms, CRF %.1f ms"
                Environment.ProcessorCount
                report.HeatmapMsPerImage
                report.CrfMsPerImage

        if report.ImagesBuilt = 0 then
            Cli.printError $"{csv}: no fixation matched an image of the data set"
            Cli.Exit.InvalidInput
        else
            Cli.Exit.Ok

let private simulate (args: ParseResults<SimulateArgs>) =
    let d = GazeSimulationOptions()

    let options =
        GazeSimulationOptions(
            MinFixations = args.GetResult(Min_Fixations, d.MinFixations),
            MaxFixations = args.GetResult(Max_Fixations, d.MaxFixations),
            CentreBias = args.GetResult(Centre_Bias, d.CentreBias),
            CentreSpread = args.GetResult(Centre_Spread, d.CentreSpread),
            BoundarySweep = args.GetResult(Boundary_Sweep, d.BoundarySweep),
            PositionalNoisePx = args.GetResult(Noise_Px, d.PositionalNoisePx),
            OffTargetFraction = args.GetResult(Off_Target, d.OffTargetFraction),
            DurationMedianMs = args.GetResult(Duration_Median, d.DurationMedianMs),
            DurationLogSigma = args.GetResult(Duration_Log_Sigma, d.DurationLogSigma)
        )
            .Validated()

    let out = args.GetResult SimulateArgs.Out

    Cli.whenWritable [ Cli.writableFile out ]
    <| fun () ->
        let dataset =
            SegmentationDataset.Open(args.GetResult SimulateArgs.Data, args.GetResult(SimulateArgs.Layout, Cli.LayoutChoice.Generic).Name, ".none")

        let fixations = GazeSimulator.SimulateDataset(dataset, options, args.GetResult(Seed, 0L), null)
        FixationCsv.Write(out, fixations)

        printfn
            "wrote %d fixations for %d images to %s"
            fixations.Count
            (dataset.TrainIds.Count + dataset.TestIds.Count)
            out

        Cli.Exit.Ok

/// The comparison as a Markdown table (what experiment tables include).
let statsTable (s: AnnotationTimeSummary) =
    [ "| annotation | images | hours | per image (s) | dense / gaze |"
      "|---|---:|---:|---:|---:|"
      $"| gaze, first fixation to last (this file) | {s.Images} | {inv s.GazeSpanHours} | {inv s.MeanSpanSeconds} | {inv s.SpeedUp} |"
      $"| gaze, summed fixations (this file) | {s.Images} | {inv s.GazeFixationHours} | {inv (if s.Images = 0 then nan else s.GazeFixationHours * 3600.0 / float s.Images)} | |"
      $"| dense masks, estimated at {inv s.DenseSecondsPerMask} s/mask | {s.Images} | {inv s.DenseHours} | {inv s.DenseSecondsPerMask} | |"
      $"| paper: dense vs gaze | {s.ReferenceImages} (assumed) | {inv s.ReferenceDenseHours} vs {inv s.ReferenceGazeHours} | {inv (s.ReferenceDenseHours * 3600.0 / float s.ReferenceImages)} vs {inv (s.ReferenceGazeHours * 3600.0 / float s.ReferenceImages)} | {inv s.ReferenceSpeedUp} |" ]
    |> String.concat "\n"

let private stats (args: ParseResults<StatsArgs>) =
    let d = AnnotationCostOptions()

    let cost =
        AnnotationCostOptions(
            ReferenceDenseHours = args.GetResult(Dense_Hours, d.ReferenceDenseHours),
            ReferenceGazeHours = args.GetResult(Gaze_Hours, d.ReferenceGazeHours),
            ReferenceImages = args.GetResult(Reference_Images, d.ReferenceImages),
            DenseSecondsPerMask =
                (match args.TryGetResult Dense_Seconds_Per_Mask with
                 | Some s -> Nullable s
                 | None -> Nullable())
        )

    let csv = args.GetResult StatsArgs.Fixations

    Cli.whenWritable
        [ match args.TryGetResult StatsArgs.Out with
          | Some path -> Cli.writableFile path
          | None -> Ok() ]
    <| fun () ->
        let table = FixationCsv.Read csv

        for issue in table.Issues do
            eprintfn "warning: %s" (issue.Format csv)

        let summary = AnnotationTime.Summarise(table, cost)

        if args.Contains Per_Image then
            printfn "image,fixations,span_s,fixation_s"

            for r in summary.Rows do
                printfn "%s,%d,%s,%s" r.Image r.Fixations (inv (r.SpanMs / 1000.0)) (inv (r.FixationMs / 1000.0))

        printfn "fixations: %d used, %d skipped" table.Rows.Count table.Issues.Count
        let markdown = statsTable summary
        printfn "%s" markdown

        match args.TryGetResult StatsArgs.Out with
        | Some path -> GazeInsight.Imaging.IO.AtomicFile.WriteAllText(path, markdown + "\n")
        | None -> ()

        if summary.Images = 0 then
            Cli.printError $"{csv}: no usable fixation"
            Cli.Exit.InvalidInput
        else
            Cli.Exit.Ok

/// A synthetic set in the cache (generated first when missing).
let private syntheticRoot (args: ParseResults<BenchmarkArgs>) (options: SyntheticOptions) =
    let cache = args.GetResult(Cache, ".cache")

    match Cli.writableFolder cache with
    | Error problem -> raise (GazeInsight.Imaging.InvalidInputException(problem))
    | Ok() -> ()

    SyntheticDataset.Ensure(options, cache, null)

/// The data the benchmark scores: --data, the data of an experiment's first cell, or the default
/// synthetic set; with its layout and the heatmap sigma its gaze maps were made with (a synthetic
/// set's own, else the layout's default). Error: the exit code (the problems are printed).
let private benchmarkData (args: ParseResults<BenchmarkArgs>) : Result<string * string * float, int> =
    let layoutArg = args.GetResult(BenchmarkArgs.Layout, Cli.LayoutChoice.Generic).Name

    match args.TryGetResult BenchmarkArgs.Data, args.TryGetResult Experiment with
    | Some _, Some _ -> raise (ArgumentException "--data and --experiment name two data sets: give one")
    | Some dir, None -> Ok(dir, layoutArg, defaultSigma layoutArg)
    | None, Some file ->
        SpecLoading.load file (args.GetResults BenchmarkArgs.Set) false
        |> Result.map (fun spec ->
            let cell = List.head spec.Cells

            match cell.Config.Data.Source with
            | GazeInsight.Experiments.Folder(root, layout) -> root, layout, defaultSigma layout
            | GazeInsight.Experiments.Synthetic s ->
                let root = syntheticRoot args (TorchEngine.syntheticOptions s)
                printfn "data: synthetic set of %s (cell %s; decoys %d, decoy dwell %s, gaze spill %s) %s" file cell.Id s.Decoys (inv s.DecoyDwell) (inv s.GazeSpill) root
                root, "generic", s.HeatmapSigma)
    | None, None when not (args.GetResults BenchmarkArgs.Set).IsEmpty -> raise (ArgumentException "--set needs --experiment")
    | None, None ->
        let root = syntheticRoot args (SyntheticOptions())
        printfn "data: default synthetic set %s" root
        Ok(root, layoutArg, SyntheticOptions().HeatmapSigma)

let private benchmarkOn (args: ParseResults<BenchmarkArgs>) (root: string) (layout: string) (sigma: float) =

    let csv = args.GetResult(BenchmarkArgs.Fixations, Path.Combine(root, "gaze", "fixations.csv"))

    let thresholds =
        args.GetResult(Thresholds, "0.5,0.4,0.3,0.2").Split(',')
        |> Array.map (fun t ->
            match Double.TryParse(t.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture) with
            | true, v when v >= 0.0 && v <= 1.0 -> v
            | _ -> raise (ArgumentException $"--thresholds: '{t}' is not a number in [0, 1]"))

    let crf =
        crfOptions (args.TryGetResult BenchmarkArgs.Crf_Spatial_Std) (args.TryGetResult BenchmarkArgs.Crf_Colour_Std) None None

    let heatmap = HeatmapOptions(args.GetResult(BenchmarkArgs.Sigma, sigma))
    let exact = args.GetResult(Exact, 0)

    let r =
        PseudoMaskBenchmark.Run(root, layout, csv, thresholds, heatmap, crf, args.GetResult(Limit, Int32.MaxValue), exact, null)

    printfn
        "images: %d; heatmap sigma %s; CRF spatial std %s, colour std %s, %d iterations, permutohedral lattice"
        r.Images
        (inv heatmap.Sigma)
        (inv crf.SpatialStd)
        (inv crf.ColourStd)
        crf.Iterations

    printfn "time per image (wall, one thread): heatmap %.1f ms, CRF %.1f ms" r.HeatmapMsPerImage r.CrfMsPerImage

    if exact > 0 then
        printfn
            "exact-filter CRF on the first %d images: %.0f ms per image; mean |lattice - exact| marginal %.4f"
            r.Rows.[0].ExactImages
            r.ExactCrfMsPerImage
            r.LatticeVsExactMeanAbs

    printfn ""
    printfn "| threshold | heatmap Dice | CRF Dice |%s" (if exact > 0 then " lattice CRF Dice (exact subset) | exact CRF Dice |" else "")
    printfn "|---:|---:|---:|%s" (if exact > 0 then "---:|---:|" else "")

    for q in r.Rows do
        let extra =
            if exact > 0 then
                $" {q.LatticeCrfDiceOnExactImages:F4} | {q.ExactCrfDice:F4} |"
            else
                ""

        printfn "| %s | %.4f | %.4f |%s" (inv q.Threshold) q.HeatmapDice q.CrfDice extra

    Cli.Exit.Ok

let private benchmark (args: ParseResults<BenchmarkArgs>) =
    match benchmarkData args with
    | Error code -> code
    | Ok(root, layout, sigma) -> benchmarkOn args root layout sigma

let run (args: ParseResults<Args>) : int =
    try
        match args.GetSubCommand() with
        | Build a -> build a
        | Simulate a -> simulate a
        | Stats a -> stats a
        | Benchmark a -> benchmark a
    with :? ArgumentException as e when not (e :? ArgumentNullException) ->
        Cli.printError e.Message
        Cli.Exit.Usage
