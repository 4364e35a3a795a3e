/// `runner eval`: segmentation metrics of predicted masks against ground truth (two folders or
/// two files), computed by GazeInsight.Evaluation; this file parses, calls and prints.
module GazeInsight.Runner.Commands.Eval

open System
open System.Globalization
open Argu
open FsToolkit.ErrorHandling
open GazeInsight.Evaluation
open GazeInsight.Evaluation.MaskFiles
open GazeInsight.Metrics
open GazeInsight.Runner

[<RequireQualifiedAccess>]
type HdChoice =
    | Pooled
    | Directed_Max

[<RequireQualifiedAccess>]
type UnitChoice =
    | Image
    | Volume

[<RequireQualifiedAccess>]
type EmptyChoice =
    | Nan
    | One
    | Zero
    | Reference

[<RequireQualifiedAccess>]
type EmptyDistanceChoice =
    | Nan
    | Inf

type Args =
    | [<Mandatory; Unique>] Pred of path: string
    | [<Mandatory; Unique>] Gt of path: string
    | [<Unique>] Spacing of values: string
    | [<Unique>] Hd_Percentile of HdChoice
    | [<Unique>] Per of UnitChoice
    | [<Unique>] Out of path: string
    | [<Unique>] Empty of EmptyChoice
    | [<Unique>] Empty_Distance of EmptyDistanceChoice
    | [<Unique>] Threshold of value: float
    | [<Unique>] Label of value: int

    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | Pred _ -> "folder of predicted masks (PNG/JPEG/BMP, .npy, .nrrd), or one file."
            | Gt _ -> "folder of ground-truth masks with the same names (extension may differ), or one file (any name)."
            | Spacing _ ->
                "voxel spacing, comma separated, in the file's axis order (.npy: axis 0 first; NRRD: header order; "
                + "image: row,column; stack of slices: row,column,slice). Default: NRRD's own, else 1."
            | Hd_Percentile _ -> "pooled (MedPy, default) or directed-max (MONAI, MetricsReloaded)."
            | Per _ -> "image (default: each file is a case) or volume (2D files named <case>_<k> are stacked by k into one volume)."
            | Out _ -> "per-case CSV to write (default metrics.csv)."
            | Empty _ -> "Dice/IoU for empty masks: nan (MONAI default, empty truth = nan), one, zero, or reference (epsilon 1e-7)."
            | Empty_Distance _ -> "distances when a mask is empty: nan (default) or inf (one empty = inf, both = 0)."
            | Threshold _ -> "foreground = value > T (probability maps; 127.5 for JPEG masks). Without it or --label, masks must be binary."
            | Label _ -> "foreground = value = K (one class of a label image). Without it or --threshold, masks must be binary."

let private lower (choice: 'T) = (sprintf "%A" choice).ToLowerInvariant().Replace('_', '-')

/// Every option checked at once: all problems, one line each.
let private parseOptions (args: ParseResults<Args>) : Validation<MaskEvaluation.Options * string, string> =
    validation {
        let! spacing =
            match args.TryGetResult Spacing with
            | None -> Ok None
            | Some text -> MaskEvaluation.parseSpacing text |> Result.map Some

        and! binarisation =
            match args.TryGetResult Threshold, args.TryGetResult Label with
            | Some _, Some _ -> Error "--threshold and --label: give one of them, not both"
            | Some t, None when Double.IsNaN t -> Error "--threshold: must be a number"
            | Some t, None -> Ok(Binarisation.Threshold t)
            | None, Some k -> Ok(Binarisation.Label k)
            | None, None -> Ok Binarisation.AlreadyBinary

        and! out =
            let out = args.GetResult(Out, defaultValue = "metrics.csv")
            Cli.writableFile out |> Result.map (fun () -> out)

        let hd = if args.GetResult(Hd_Percentile, HdChoice.Pooled) = HdChoice.Pooled then HdPercentile.Pooled else HdPercentile.DirectedMax
        let overlap = OverlapPolicy.Parse(lower (args.GetResult(Empty, EmptyChoice.Nan)))
        let emptyDistance = if args.GetResult(Empty_Distance, EmptyDistanceChoice.Nan) = EmptyDistanceChoice.Nan then EmptySurfacePolicy.NaN else EmptySurfacePolicy.Infinite

        return
            ({ Pred = args.GetResult Pred
               Gt = args.GetResult Gt
               Spacing = spacing
               Evaluation = EvaluationOptions(overlap, SurfaceDistanceOptions(hd, emptyDistance))
               PerVolume = args.GetResult(Per, UnitChoice.Image) = UnitChoice.Volume
               Binarisation = binarisation }
            : MaskEvaluation.Options),
            out
    }

let private show (v: float) =
    if Double.IsFinite v then v.ToString("F4", CultureInfo.InvariantCulture)
    elif Double.IsNaN v then "nan"
    else string v

let run (args: ParseResults<Args>) : int =
    match parseOptions args with
    | Error problems -> Cli.invalidInput problems
    | Ok(options, out) ->
        match MaskEvaluation.prepare options with
        | Error problems -> Cli.invalidInput problems
        | Ok(cases, physical) ->
            let results = MaskEvaluation.evaluate options cases
            let surface = options.Evaluation.Surface

            printfn
                "eval: %d cases (per %s); HD95 %s; distances in %s; empty masks: dice/iou %s, distances %s; foreground: %s"
                results.Count
                (if options.PerVolume then "volume" else "image")
                (if surface.Hd95 = HdPercentile.Pooled then "pooled" else "directed-max")
                (if physical then "physical units (spacing)" else "voxels")
                (lower (args.GetResult(Empty, EmptyChoice.Nan)))
                (lower (args.GetResult(Empty_Distance, EmptyDistanceChoice.Nan)))
                (match options.Binarisation with
                 | Binarisation.AlreadyBinary -> "binary masks"
                 | Binarisation.Threshold t -> $"value > {t}"
                 | Binarisation.Label k -> $"value = {k}")

            for s in MetricSummary.OfCases results do
                printfn "  %-5s %s ± %s  (%d/%d valid)" s.Name (show s.Mean) (show s.Std) s.Count s.Total

            GazeInsight.Imaging.IO.AtomicFile.WriteAllText(out, MaskEvaluation.csvText results)
            printfn "wrote %s" out
            Cli.Exit.Ok
