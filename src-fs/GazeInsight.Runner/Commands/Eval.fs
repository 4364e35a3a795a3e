/// `runner eval`: segmentation metrics of a folder of predictions against a folder of ground
/// truths; `runner bench-metrics`: timing of the surface-distance metrics.
module GazeInsight.Runner.Commands.Eval

open System
open System.Diagnostics
open System.Globalization
open System.IO
open System.Text
open System.Text.RegularExpressions
open Argu
open GazeInsight.Imaging
open GazeInsight.Imaging.IO
open GazeInsight.Metrics
open GazeInsight.Runner

type Args =
    | [<Mandatory; Unique>] Pred of path: string
    | [<Mandatory; Unique>] Gt of path: string
    | [<Unique>] Spacing of values: string
    | [<Unique>] Hd_Percentile of convention: string
    | [<Unique>] Per of unit: string
    | [<Unique>] Out of path: string
    | [<Unique>] Empty of policy: string
    | [<Unique>] Empty_Distance of policy: string
    | [<Unique>] Threshold of value: float

    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | Pred _ -> "folder of predicted masks (PNG/JPEG/BMP, .npy, .nrrd), or one file."
            | Gt _ -> "folder of ground-truth masks with the same names (extension may differ), or one file."
            | Spacing _ ->
                "voxel spacing, comma separated, in the file's axis order (.npy: axis 0 first; NRRD: header order; "
                + "image: row,column; stack of slices: row,column,slice). Default: NRRD's own, else 1."
            | Hd_Percentile _ -> "pooled (MedPy, default) or directed-max (MONAI, MetricsReloaded)."
            | Per _ ->
                "image (default: each file is a case) or volume (2D files named <case>_<k> are stacked by k into one volume)."
            | Out _ -> "per-case CSV to write (default metrics.csv)."
            | Empty _ -> "Dice/IoU for empty masks: nan (MONAI default, empty truth = nan), one, zero, or reference (epsilon 1e-7)."
            | Empty_Distance _ -> "distances when a mask is empty: nan (default) or inf (one empty = inf, both = 0)."
            | Threshold _ -> "foreground is value > threshold (default 0; 127.5 for JPEG masks)."

/// How the user's --spacing order maps to the C order of the mask.
type private AxisOrder =
    /// .npy and images: already C order.
    | COrder
    /// NRRD: header order, fastest axis first, i.e. reversed C order.
    | Reversed
    /// A stack of 2D slices: (row, column, slice) given, (slice, row, column) stored.
    | RowColumnSlice

type private Loaded =
    { Path: string
      Mask: BinaryMask
      /// The file's own spacing in C order (NaN where the file has none); None for files without.
      FileSpacing: float[] option
      Order: AxisOrder }

type private Pair = { Id: string; Pred: Loaded; Gt: Loaded }

type private Options =
    { Pred: string
      Gt: string
      Spacing: float[] option
      Evaluation: EvaluationOptions
      PerVolume: bool
      Out: string
      Threshold: float }

let private invariant = CultureInfo.InvariantCulture

let private extensions = set [ ".png"; ".jpg"; ".jpeg"; ".bmp"; ".npy"; ".nrrd" ]

let private shapeText (values: 'T seq) =
    "(" + String.Join(", ", values |> Seq.map (fun v -> string v)) + ")"

let private extensionOf (path: string) =
    match Path.GetExtension path with
    | null -> ""
    | e -> e.ToLowerInvariant()

let private stemOf (path: string) =
    match Path.GetFileNameWithoutExtension path with
    | null -> path
    | s -> s

let private formatNumber (v: float) =
    if Double.IsNaN v then "nan"
    elif Double.IsPositiveInfinity v then "inf"
    elif Double.IsNegativeInfinity v then "-inf"
    else v.ToString("R", invariant)

let private csvField (s: string) =
    if s.IndexOfAny([| ','; '"'; '\n'; '\r' |]) >= 0 then
        "\"" + s.Replace("\"", "\"\"") + "\""
    else
        s

// ---- options ---------------------------------------------------------------------------------

let private parseOptions (args: ParseResults<Args>) : Result<Options, string> =
    let spacing =
        match args.TryGetResult Spacing with
        | None -> Ok None
        | Some text ->
            let parts = text.Split(',', StringSplitOptions.TrimEntries)

            let values =
                parts
                |> Array.map (fun p ->
                    match Double.TryParse(p, NumberStyles.Float, invariant) with
                    | true, v when v > 0.0 && not (Double.IsInfinity v) -> Some v
                    | _ -> None)

            if values |> Array.forall Option.isSome then
                Ok(Some(values |> Array.map Option.get))
            else
                Error $"--spacing: expected positive numbers separated by commas, got '{text}'"

    let hd =
        match args.GetResult(Hd_Percentile, defaultValue = "pooled") with
        | "pooled" -> Ok HdPercentile.Pooled
        | "directed-max" -> Ok HdPercentile.DirectedMax
        | other -> Error $"--hd-percentile: expected pooled or directed-max, got '{other}'"

    let per =
        match args.GetResult(Per, defaultValue = "image") with
        | "image" -> Ok false
        | "volume" -> Ok true
        | other -> Error $"--per: expected image or volume, got '{other}'"

    let overlap =
        let name = args.GetResult(Empty, defaultValue = "nan")

        try
            Ok(OverlapPolicy.Parse name)
        with :? ArgumentException ->
            Error $"--empty: expected nan, one, zero or reference, got '{name}'"

    let emptyDistance =
        match args.GetResult(Empty_Distance, defaultValue = "nan") with
        | "nan" -> Ok EmptySurfacePolicy.NaN
        | "inf" -> Ok EmptySurfacePolicy.Infinite
        | other -> Error $"--empty-distance: expected nan or inf, got '{other}'"

    let threshold = args.GetResult(Threshold, defaultValue = 0.0)

    match spacing, hd, per, overlap, emptyDistance with
    | Ok spacing, Ok hd, Ok per, Ok overlap, Ok emptyDistance when not (Double.IsNaN threshold) ->
        Ok
            { Pred = args.GetResult Pred
              Gt = args.GetResult Gt
              Spacing = spacing
              Evaluation = EvaluationOptions(overlap, SurfaceDistanceOptions(hd, emptyDistance))
              PerVolume = per
              Out = args.GetResult(Out, defaultValue = "metrics.csv")
              Threshold = threshold }
    | _ ->
        [ spacing |> Result.map ignore
          hd |> Result.map ignore
          per |> Result.map ignore
          overlap |> Result.map ignore
          emptyDistance |> Result.map ignore
          (if Double.IsNaN threshold then Error "--threshold: must be a number" else Ok()) ]
        |> List.choose (function
            | Error e -> Some e
            | Ok() -> None)
        |> String.concat "; "
        |> Error

// ---- reading ---------------------------------------------------------------------------------

let private binarize (threshold: float) (values: float[]) =
    values |> Array.map (fun v -> if v > threshold then 1uy else 0uy)

/// Reads one mask file; raises InvalidInputException with a one-line message on bad input.
let private load (threshold: float) (path: string) : Loaded =
    let bad problem = raise (InvalidInputException(path, null, problem))

    match extensionOf path with
    | ".npy" ->
        let array = NpyFile.Read path

        if array.Rank <> 2 && array.Rank <> 3 then
            bad $"expected a 2-D or 3-D array, got shape {shapeText array.Shape}"

        if array.ElementCount = 0L then
            bad $"array of shape {shapeText array.Shape} is empty"

        { Path = path
          Mask = BinaryMask(array.Shape, binarize threshold (array.ToDoubleArray()))
          FileSpacing = None
          Order = COrder }
    | ".nrrd" ->
        let nrrd = NrrdFile.Read path

        if nrrd.Sizes.Length <> 2 && nrrd.Sizes.Length <> 3 then
            bad $"expected a 2-D or 3-D volume, got sizes {shapeText nrrd.Sizes}"

        if nrrd.Sizes |> Array.exists (fun n -> n < 1) then
            bad $"volume of sizes {shapeText nrrd.Sizes} is empty"

        let data = nrrd.Data |> Array.map (fun v -> if float v > threshold then 1uy else 0uy)

        { Path = path
          Mask = BinaryMask(Array.rev nrrd.Sizes, data)
          FileSpacing = Some(Array.rev nrrd.Spacings)
          Order = Reversed }
    | _ ->
        let image = ImageFile.Read path
        let plane = image.Height * image.Width
        // Several channels (an RGB-saved mask): foreground where any channel is.
        let data =
            Array.init plane (fun i ->
                let mutable fg = 0uy

                for c in 0 .. image.Channels - 1 do
                    if float image.Pixels[c * plane + i] > threshold then
                        fg <- 1uy

                fg)

        { Path = path
          Mask = BinaryMask([| image.Height; image.Width |], data)
          FileSpacing = None
          Order = COrder }

let private tryLoad threshold path : Result<Loaded, string> =
    try
        Ok(load threshold path)
    with
    | :? InvalidInputException as e -> Error e.Message
    | :? IOException as e -> Error $"{path}: {e.Message}"
    | :? UnauthorizedAccessException as e -> Error $"{path}: {e.Message}"

/// case id -> file, for a folder (or a single file); problems for duplicates and empty folders.
let private listCases (path: string) : Result<Map<string, string>, string list> =
    if File.Exists path then
        Ok(Map [ stemOf path, path ])
    elif Directory.Exists path then
        let files =
            Directory.GetFiles path
            |> Array.filter (fun f -> extensions.Contains(extensionOf f))
            |> Array.sort

        if files.Length = 0 then
            Error [ $"{path}: no .png, .jpg, .jpeg, .bmp, .npy or .nrrd files" ]
        else
            let groups = files |> Array.groupBy stemOf

            let duplicates =
                groups
                |> Array.filter (fun (_, fs) -> fs.Length > 1)
                |> Array.map (fun (id, fs) ->
                    $"{fs[1]}: case '{id}' also given by {Path.GetFileName fs[0]}")

            if duplicates.Length > 0 then
                Error(List.ofArray duplicates)
            else
                Ok(groups |> Array.map (fun (id, fs) -> id, fs[0]) |> Map.ofArray)
    else
        Error [ $"{path}: no such file or folder" ]

// ---- cases -----------------------------------------------------------------------------------

let private userToC (order: AxisOrder) (values: float[]) =
    match order with
    | COrder -> values
    | Reversed -> Array.rev values
    | RowColumnSlice -> [| values[2]; values[0]; values[1] |]

let private orderName =
    function
    | COrder -> "axis order"
    | Reversed -> "NRRD header order"
    | RowColumnSlice -> "row,column,slice order"

/// The C-order spacing of a case, or the problem with it.
let private resolveSpacing (options: Options) (pair: Pair) : Result<float[], string> =
    let rank = pair.Gt.Mask.Rank

    match options.Spacing with
    | Some given when given.Length <> rank ->
        Error
            $"{pair.Gt.Path}: --spacing has {given.Length} values but the case has {rank} axes ({orderName pair.Gt.Order})"
    | Some given -> Ok(userToC pair.Gt.Order given)
    | None ->
        match pair.Gt.FileSpacing, pair.Pred.FileSpacing with
        | Some gt, _ when gt |> Array.exists Double.IsNaN ->
            // Name the first such axis as the file numbers it (NRRD: header order, C order reversed).
            let fileAxis =
                if pair.Gt.Order = Reversed then
                    rank - 1 - (gt |> Array.findIndexBack Double.IsNaN)
                else
                    gt |> Array.findIndex Double.IsNaN

            Error $"{pair.Gt.Path}: no spacing for axis {fileAxis} ({orderName pair.Gt.Order}); give --spacing"
        | Some gt, Some pred when
            Array.exists2 (fun p g -> not (Double.IsNaN p) && abs (g - p) > 1e-6 * g) pred gt
            ->
            Error $"{pair.Pred.Path}: spacing {shapeText pred} differs from the ground truth's {shapeText gt}"
        | Some gt, _ -> Ok gt
        | None, _ -> Ok(Array.create rank 1.0)

let private checkShapes (pair: Pair) =
    if pair.Pred.Mask.SameShape pair.Gt.Mask then
        Ok()
    else
        Error
            $"{pair.Pred.Path}: shape {shapeText pair.Pred.Mask.Shape} differs from the ground truth {pair.Gt.Path} {shapeText pair.Gt.Mask.Shape}"

let private sliceName = Regex(@"^(?<case>.+)_(?<k>\d+)$", RegexOptions.CultureInvariant)

/// Groups 2D pairs named <case>_<k> into one stacked pair per case (3D pairs stay as they are).
let private stackVolumes (pairs: Pair list) : Result<Pair list, string list> =
    let volumes, slices = pairs |> List.partition (fun p -> p.Gt.Mask.Rank = 3)

    let unnamed =
        slices
        |> List.filter (fun p -> not (sliceName.IsMatch p.Id))
        |> List.map (fun p -> $"{p.Gt.Path}: --per volume needs 2-D files named <case>_<slice number>")

    if not unnamed.IsEmpty then
        Error unnamed
    else
        let stacked =
            slices
            |> List.groupBy (fun p -> sliceName.Match(p.Id).Groups["case"].Value)
            |> List.map (fun (case, members) ->
                let ordered =
                    members
                    |> List.sortBy (fun p -> Int64.Parse(sliceName.Match(p.Id).Groups["k"].Value, invariant))

                let first = ordered.Head

                match ordered |> List.tryFind (fun p -> not (p.Gt.Mask.SameShape first.Gt.Mask)) with
                | Some odd ->
                    Error
                        $"{odd.Gt.Path}: slice shape {shapeText odd.Gt.Mask.Shape} differs from {first.Gt.Path} {shapeText first.Gt.Mask.Shape}"
                | None ->
                    let stack (pick: Pair -> Loaded) =
                        { Path = (pick first).Path
                          Mask = BinaryMask.Stack(ordered |> List.map (fun p -> (pick p).Mask) |> Array.ofList, 1.0)
                          FileSpacing = None
                          Order = RowColumnSlice }

                    Ok
                        { Id = case
                          Pred = stack (fun p -> p.Pred)
                          Gt = stack (fun p -> p.Gt) })

        let errors =
            stacked
            |> List.choose (function
                | Error e -> Some e
                | Ok _ -> None)

        if errors.IsEmpty then
            Ok(volumes @ (stacked |> List.choose Result.toOption) |> List.sortBy (fun p -> p.Id))
        else
            Error errors

/// Reads and pairs every file, checking everything before any metric is computed.
let private prepare (options: Options) : Result<(string * BinaryMask * BinaryMask) list * bool, string list> =
    match listCases options.Pred, listCases options.Gt with
    | Error a, Error b -> Error(a @ b)
    | Error a, _
    | _, Error a -> Error a
    | Ok preds, Ok gts ->
        let missing =
            [ for KeyValue(id, path) in gts do
                  if not (preds.ContainsKey id) then
                      yield $"{path}: no prediction for case '{id}' in {options.Pred}"
              for KeyValue(id, path) in preds do
                  if not (gts.ContainsKey id) then
                      yield $"{path}: no ground truth for case '{id}' in {options.Gt}" ]

        if not missing.IsEmpty then
            Error missing
        else
            let ids = gts |> Map.toList |> List.map fst

            let loaded =
                ids
                |> List.toArray
                |> Array.Parallel.map (fun id ->
                    id, tryLoad options.Threshold preds[id], tryLoad options.Threshold gts[id])
                |> List.ofArray

            let readErrors =
                loaded
                |> List.collect (fun (_, p, g) ->
                    [ p; g ]
                    |> List.choose (function
                        | Error e -> Some e
                        | Ok _ -> None))

            if not readErrors.IsEmpty then
                Error readErrors
            else
                let pairs =
                    loaded
                    |> List.map (fun (id, p, g) ->
                        { Id = id
                          Pred = Result.defaultWith failwith p
                          Gt = Result.defaultWith failwith g })

                let shapeErrors =
                    pairs
                    |> List.choose (fun p ->
                        match checkShapes p with
                        | Error e -> Some e
                        | Ok() -> None)

                if not shapeErrors.IsEmpty then
                    Error shapeErrors
                else
                    let grouped = if options.PerVolume then stackVolumes pairs else Ok pairs

                    match grouped with
                    | Error e -> Error e
                    | Ok cases ->
                        let resolved = cases |> List.map (fun c -> c, resolveSpacing options c)

                        let spacingErrors =
                            resolved
                            |> List.choose (function
                                | _, Error e -> Some e
                                | _ -> None)

                        if not spacingErrors.IsEmpty then
                            Error spacingErrors
                        else
                            let physical =
                                options.Spacing.IsSome || cases |> List.exists (fun c -> c.Gt.FileSpacing.IsSome)

                            let triples =
                                resolved
                                |> List.map (fun (c, s) ->
                                    let spacing = Result.defaultWith failwith s
                                    c.Id, c.Pred.Mask.WithSpacing spacing, c.Gt.Mask.WithSpacing spacing)

                            Ok(triples, physical)

// ---- output ----------------------------------------------------------------------------------

/// The per-case CSV: header `case,dice,iou,hd,hd95,asd,assd,masd`, nan and inf spelled so.
let csvText (cases: CaseMetrics seq) =
    let sb = StringBuilder()
    sb.Append("case,").Append(String.Join(",", CaseMetrics.Names)).Append('\n') |> ignore

    for c in cases do
        sb.Append(csvField c.Case) |> ignore

        for v in c.Values do
            sb.Append(',').Append(formatNumber v) |> ignore

        sb.Append('\n') |> ignore

    sb.ToString()

let private summaryLines (summaries: MetricSummary seq) =
    let show (v: float) =
        if Double.IsFinite v then v.ToString("F4", invariant) else formatNumber v

    [ for s in summaries do
          yield sprintf "  %-5s %s ± %s  (%d/%d valid)" s.Name (show s.Mean) (show s.Std) s.Count s.Total ]

let run (args: ParseResults<Args>) : int =
    match parseOptions args with
    | Error message ->
        Cli.printError message
        Cli.Exit.Usage
    | Ok options ->
        let outFolder =
            match Path.GetDirectoryName(Path.GetFullPath options.Out) with
            | null -> ""
            | d -> d

        if not (Directory.Exists outFolder) then
            Cli.printError $"{options.Out}: folder {outFolder} does not exist"
            Cli.Exit.InvalidInput
        else

        match prepare options with
        | Error problems -> Cli.invalidInput problems
        | Ok(cases, physical) ->
            let triples = cases |> List.map (fun (id, p, g) -> struct (id, p, g)) |> Array.ofList
            let results = Evaluation.EvaluateAll(triples, options.Evaluation)
            let summaries = MetricSummary.OfCases results

            let unit = if options.PerVolume then "volume" else "image"
            let surface = options.Evaluation.Surface
            let hd = if surface.Hd95 = HdPercentile.Pooled then "pooled" else "directed-max"
            let distances = if physical then "physical units (spacing)" else "voxels"

            printfn
                "eval: %d cases (per %s); HD95 %s; distances in %s; empty masks: dice/iou %s, distances %s"
                results.Count
                unit
                hd
                distances
                (args.GetResult(Empty, defaultValue = "nan"))
                (args.GetResult(Empty_Distance, defaultValue = "nan"))

            for line in summaryLines summaries do
                printfn "%s" line

            try
                File.WriteAllText(options.Out, csvText results)
                printfn "wrote %s" options.Out
                Cli.Exit.Ok
            with
            | :? IOException
            | :? UnauthorizedAccessException as e ->
                Cli.printError $"{options.Out}: cannot write: {e.Message}"
                Cli.Exit.InvalidInput

// ---- benchmark -------------------------------------------------------------------------------

type BenchArgs =
    | [<Unique>] Count_2D of int
    | [<Unique>] Count_3D of int
    | [<Unique>] Brute_2D of int
    | [<Unique>] Brute_3D of int
    | [<Unique>] Seed of int

    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | Count_2D _ -> "number of random 512x512 mask pairs (default 1000)."
            | Count_3D _ -> "number of random 256x256x64 volume pairs (default 20)."
            | Brute_2D _ -> "how many 2D pairs to also run the all-pairs reference on (default 20)."
            | Brute_3D _ -> "how many volume pairs to also run the all-pairs reference on (default 1)."
            | Seed _ -> "random seed (default 0)."

type private Timing = { Wall: float; Cpu: float }

let private timed (action: unit -> 'T) : 'T * Timing =
    use proc = Process.GetCurrentProcess()
    let cpu0 = proc.TotalProcessorTime
    let sw = Stopwatch.StartNew()
    let result = action ()
    sw.Stop()
    proc.Refresh()

    result,
    { Wall = sw.Elapsed.TotalSeconds
      Cpu = (proc.TotalProcessorTime - cpu0).TotalSeconds }

let private maxDifference (a: DirectedDistances) (b: DirectedDistances) =
    Seq.append (Seq.zip a.PredictionToTruth b.PredictionToTruth) (Seq.zip a.TruthToPrediction b.TruthToPrediction)
    |> Seq.fold (fun m (x, y) -> if x = y then m else max m (abs (x - y))) 0.0

let private benchSet (name: string) (pairs: (BinaryMask * BinaryMask)[]) (brute: int) =
    let options = SurfaceDistanceOptions.Default
    // Warm-up so that the figure measures compiled code, not the JIT's first tier.
    for p, g in pairs |> Array.truncate 3 do
        SurfaceDistance.Compute(p, g, options) |> ignore

    let results, t =
        timed (fun () -> pairs |> Array.Parallel.map (fun (p, g) -> SurfaceDistance.Compute(p, g, options)))

    let voxels = pairs |> Array.sumBy (fun (p, _) -> int64 p.Data.Length)
    let valid = results |> Array.filter (fun r -> not (Double.IsNaN r.Hd95))
    let meanOf f = if valid.Length = 0 then nan else valid |> Array.averageBy f

    printfn
        "%s: %d pairs, HD95+ASSD (all surface metrics): %.3f s wall, %.3f s CPU on %d cores (%.2f ms/pair wall, %.1f ns/voxel CPU); mean HD95 %.2f, mean ASSD %.2f over %d non-empty pairs"
        name
        pairs.Length
        t.Wall
        t.Cpu
        Environment.ProcessorCount
        (1000.0 * t.Wall / float pairs.Length)
        (1e9 * t.Cpu / float voxels)
        (meanOf (fun r -> r.Hd95))
        (meanOf (fun r -> r.Assd))
        valid.Length

    if brute > 0 then
        let subset = pairs |> Array.truncate brute
        let fast, tf = timed (fun () -> subset |> Array.map (fun (p, g) -> SurfaceDistance.Directed(p, g)))

        let slow, ts =
            timed (fun () -> subset |> Array.map (fun (p, g) -> SurfaceDistance.DirectedBruteForce(p, g)))

        let diff = Array.map2 maxDifference fast slow |> Array.fold max 0.0
        let points = fast |> Array.sumBy (fun d -> d.PredictionToTruth.Length + d.TruthToPrediction.Length)

        printfn
            "%s brute-force check on %d pairs (%d surface points, one thread each): EDT %.3f s, all-pairs %.3f s, ratio %.1fx; max |difference| %g"
            name
            subset.Length
            points
            tf.Wall
            ts.Wall
            (ts.Wall / tf.Wall)
            diff

let runBench (args: ParseResults<BenchArgs>) : int =
    let count2 = args.GetResult(Count_2D, defaultValue = 1000)
    let count3 = args.GetResult(Count_3D, defaultValue = 20)
    let brute2 = args.GetResult(Brute_2D, defaultValue = 20)
    let brute3 = args.GetResult(Brute_3D, defaultValue = 1)
    let seed = args.GetResult(Seed, defaultValue = 0)

    if [ count2; count3; brute2; brute3 ] |> List.exists (fun n -> n < 0) then
        Cli.printError "bench-metrics: counts must be >= 0"
        Cli.Exit.Usage
    else
        let rng = Random(seed)

        printfn
            "bench-metrics: random blob pairs (1-3 rotated ellipses / ellipsoids, prediction = perturbed truth), seed %d; generation not timed"
            seed

        let pairs2 =
            Array.init count2 (fun _ ->
                let struct (p, g) = SyntheticMasks.Pair(rng, [| 512; 512 |])
                p, g)

        if count2 > 0 then
            benchSet "2D 512x512" pairs2 brute2

        let pairs3 =
            Array.init count3 (fun _ ->
                let struct (p, g) = SyntheticMasks.Pair(rng, [| 64; 256; 256 |], [| 3.0; 0.5; 0.5 |])
                p, g)

        if count3 > 0 then
            benchSet "3D 256x256x64 (spacing 0.5,0.5,3)" pairs3 brute3

        Cli.Exit.Ok
