/// Mask-folder evaluation, what `runner eval` computes: predicted and ground-truth masks paired
/// by case (two folders, or two single files), every file read and checked before any metric,
/// spacing resolved per case, 2D slices optionally stacked into volumes; then the metrics and
/// the per-case CSV. Every problem is collected and returned, one line each; nothing prints.
module GazeInsight.Evaluation.MaskEvaluation

open System
open System.Globalization
open System.IO
open System.Text
open System.Text.RegularExpressions
open GazeInsight.Metrics
open GazeInsight.Evaluation.MaskFiles

type Options =
    { Pred: string
      Gt: string
      /// Voxel spacing in the user's axis order (see `AxisOrder`); None: the files' own, else 1.
      Spacing: float[] option
      Evaluation: EvaluationOptions
      /// Stack 2D files named <case>_<k> by k into one volume per case.
      PerVolume: bool
      Binarisation: Binarisation }

/// One case ready for the metrics: masks with their spacing set.
type Case = { Id: string; Pred: BinaryMask; Gt: BinaryMask }

type private Pair = { Id: string; Pred: LoadedMask; Gt: LoadedMask }

let private invariant = CultureInfo.InvariantCulture

let private stemOf (path: string) =
    match Path.GetFileNameWithoutExtension path with
    | null -> path
    | s -> s

let private formatNumber = GazeInsight.Imaging.IO.Csv.Number

let private csvField = GazeInsight.Imaging.IO.Csv.Field

/// Parses `--spacing`: positive numbers separated by commas.
let parseSpacing (text: string) : Result<float[], string> =
    let values =
        text.Split(',', StringSplitOptions.TrimEntries)
        |> Array.map (fun p ->
            match Double.TryParse(p, NumberStyles.Float, invariant) with
            | true, v when v > 0.0 && not (Double.IsInfinity v) -> Some v
            | _ -> None)

    if values.Length > 0 && values |> Array.forall Option.isSome then
        Ok(values |> Array.map Option.get)
    else
        Error $"--spacing: expected positive numbers separated by commas, got '{text}'"

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
                    let stack (pick: Pair -> LoadedMask) =
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

let private errorsOf (results: Result<'a, 'e> list) =
    results
    |> List.choose (function
        | Error e -> Some e
        | Ok _ -> None)

/// case id -> (prediction file, ground-truth file). Two single files are one case, whatever
/// their names (named after the ground truth); two folders pair files by name.
let private pairFiles (options: Options) : Result<(string * string * string) list, string list> =
    if File.Exists options.Pred && File.Exists options.Gt then
        Ok [ stemOf options.Gt, options.Pred, options.Gt ]
    else
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

            if missing.IsEmpty then
                Ok [ for KeyValue(id, gt) in gts -> id, preds[id], gt ]
            else
                Error missing

/// Reads and pairs every file, checking everything before any metric is computed: the cases
/// (with their spacing) and whether distances are in physical units, or every problem.
let prepare (options: Options) : Result<Case list * bool, string list> =
    let step (f: 'a -> Result<'b, string list>) (r: Result<'a, string list>) = Result.bind f r

    pairFiles options
    |> step (fun files ->
        let loaded =
            files
            |> Array.ofList
            |> Array.Parallel.map (fun (id, p, g) -> id, load options.Binarisation p, load options.Binarisation g)
            |> List.ofArray

        match loaded |> List.collect (fun (_, p, g) -> errorsOf [ p; g ]) with
        | [] ->
            Ok(
                loaded
                |> List.choose (fun (id, p, g) ->
                    match p, g with
                    | Ok p, Ok g -> Some { Id = id; Pred = p; Gt = g }
                    | _ -> None)
            )
        | problems -> Error problems)
    |> step (fun pairs ->
        match pairs |> List.map checkShapes |> errorsOf with
        | [] -> if options.PerVolume then stackVolumes pairs else Ok pairs
        | problems -> Error problems)
    |> step (fun cases ->
        let resolved = cases |> List.map (fun c -> c, resolveSpacing options c)

        match resolved |> List.map snd |> errorsOf with
        | [] ->
            let physical = options.Spacing.IsSome || cases |> List.exists (fun c -> c.Gt.FileSpacing.IsSome)

            let ready =
                resolved
                |> List.choose (fun (c, spacing) ->
                    spacing
                    |> Result.toOption
                    |> Option.map (fun s ->
                        ({ Id = c.Id
                           Pred = c.Pred.Mask.WithSpacing s
                           Gt = c.Gt.Mask.WithSpacing s }
                        : Case)))

            Ok(ready, physical)
        | problems -> Error problems)

/// The metrics of every case (in parallel).
let evaluate (options: Options) (cases: Case list) =
    let triples = cases |> List.map (fun c -> struct (c.Id, c.Pred, c.Gt)) |> Array.ofList
    Evaluation.EvaluateAll(triples, options.Evaluation)

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

