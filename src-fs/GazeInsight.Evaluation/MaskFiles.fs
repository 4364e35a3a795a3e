/// Reading one mask file (PNG/JPEG/BMP, .npy, NRRD) into a binary mask, binarised as the user
/// said: a mask that is not binary (a probability map, a 0/1/2 label image, a JPEG's
/// compression noise) is refused unless a threshold or a label says what the foreground is.
module GazeInsight.Evaluation.MaskFiles

open System
open System.IO
open GazeInsight.Imaging
open GazeInsight.Imaging.IO
open GazeInsight.Metrics

/// How stored values become foreground / background.
type Binarisation =
    /// The file must already be binary: 0 and one other value (1, 255, ...); foreground = that value.
    | AlreadyBinary
    /// Foreground = value > threshold (probability maps, JPEG masks).
    | Threshold of float
    /// Foreground = value = label (one class of a label image).
    | Label of int

/// How a file's axes relate to the order a user gives `--spacing` in.
type AxisOrder =
    /// .npy and images: already C order.
    | COrder
    /// NRRD: header order, fastest axis first, i.e. reversed C order.
    | Reversed
    /// A stack of 2D slices: (row, column, slice) given, (slice, row, column) stored.
    | RowColumnSlice

type LoadedMask =
    { Path: string
      Mask: BinaryMask
      /// The file's own spacing in C order (NaN where the file has none); None for files without.
      FileSpacing: float[] option
      Order: AxisOrder }

let extensions = set [ ".png"; ".jpg"; ".jpeg"; ".bmp"; ".npy"; ".nrrd" ]

let extensionOf (path: string) =
    match Path.GetExtension path with
    | null -> ""
    | e -> e.ToLowerInvariant()

let shapeText (values: 'T seq) =
    "(" + String.Join(", ", values |> Seq.map (fun v -> string v)) + ")"

let private shown (v: float) = v.ToString("G6", Globalization.CultureInfo.InvariantCulture)

/// Foreground bytes from stored values (`channels` planes of `plane` values each, foreground
/// where any channel is), or the problem: the first values that make a mask not binary.
let binarise (binarisation: Binarisation) (channels: int) (values: float[]) : Result<byte[], string> =
    let plane = values.Length / max 1 channels

    let fromTest (isForeground: float -> bool) =
        Array.init plane (fun i ->
            let mutable fg = 0uy

            for c in 0 .. channels - 1 do
                if isForeground values[c * plane + i] then
                    fg <- 1uy

            fg)

    match binarisation with
    | Threshold t -> Ok(fromTest (fun v -> v > t))
    | Label k -> Ok(fromTest (fun v -> v = float k))
    | AlreadyBinary ->
        let distinct = values |> Seq.distinct |> Seq.truncate 4 |> Seq.sort |> Array.ofSeq

        match distinct |> Array.filter (fun v -> v <> 0.0) with
        | [||]
        | [| _ |] -> Ok(fromTest (fun v -> v <> 0.0))
        | _ ->
            let listed = String.Join(", ", distinct |> Array.map shown)
            let more = if distinct.Length = 4 then ", ..." else ""

            Error
                $"not a binary mask (values {listed}{more}: a probability map or a label image?); give --threshold T (foreground = value > T) or --label K (foreground = value = K)"

/// Reads one mask file; Error is the one-line message `file: problem`.
let load (binarisation: Binarisation) (path: string) : Result<LoadedMask, string> =
    let bad problem = Error $"{path}: {problem}"

    let mask (shape: int[]) channels values spacing order =
        match binarise binarisation channels values with
        | Error problem -> bad problem
        | Ok data ->
            Ok
                { Path = path
                  Mask = BinaryMask(shape, data)
                  FileSpacing = spacing
                  Order = order }

    try
        match extensionOf path with
        | ".npy" ->
            let array = NpyFile.Read path

            if array.Rank <> 2 && array.Rank <> 3 then
                bad $"expected a 2-D or 3-D array, got shape {shapeText array.Shape}"
            elif array.ElementCount = 0L then
                bad $"array of shape {shapeText array.Shape} is empty"
            else
                mask array.Shape 1 (array.ToDoubleArray()) None COrder
        | ".nrrd" ->
            let nrrd = NrrdFile.Read path

            if nrrd.Sizes.Length <> 2 && nrrd.Sizes.Length <> 3 then
                bad $"expected a 2-D or 3-D volume, got sizes {shapeText nrrd.Sizes}"
            elif nrrd.Sizes |> Array.exists (fun n -> n < 1) then
                bad $"volume of sizes {shapeText nrrd.Sizes} is empty"
            else
                mask (Array.rev nrrd.Sizes) 1 (nrrd.Data |> Array.map float) (Some(Array.rev nrrd.Spacings)) Reversed
        | _ ->
            let image = ImageFile.Read path
            // several channels (an RGB-saved mask): foreground where any channel is
            mask [| image.Height; image.Width |] image.Channels (image.Pixels |> Array.map float) None COrder
    with
    | :? InvalidInputException as e -> Error e.Message
    | :? IOException as e -> bad e.Message
    | :? UnauthorizedAccessException as e -> bad e.Message
