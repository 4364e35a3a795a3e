/// `runner data inspect | check | prepare-nci-isbi`: look at one file, check a data set folder,
/// convert the NCI-ISBI challenge download into the slice layout.
module GazeInsight.Runner.Commands.Data

open System
open System.IO
open System.Text.Json
open Argu
open GazeInsight.Imaging
open GazeInsight.Imaging.Data
open GazeInsight.Imaging.IO
open GazeInsight.Runner

type InspectArgs =
    | [<MainCommand; ExactlyOnce>] File of path: string
    | Json

    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | File _ -> "image, mask, DICOM (.dcm), NRRD (.nrrd) or .npy file."
            | Json -> "print one JSON object instead of text."

type CheckArgs =
    | [<Mandatory; Unique>] Data of dir: string
    | [<Mandatory; Unique>] Layout of Cli.LayoutChoice
    | [<Unique>] Gaze of folder: string
    | Text

    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | Data _ -> "data root (train.txt, test.txt, images/, masks/ or labels/, gaze/, embeddings/)."
            | Layout _ -> "generic, kvasir, nci-isbi or isic."
            | Gaze _ -> "require gaze/<folder>/ maps for every id (e.g. heatmap, crf_compat1)."
            | Text -> "require embeddings/<id>.npy for every id."

type PrepareArgs =
    | [<Mandatory; Unique>] Train_Dicom of dir: string
    | [<Mandatory; Unique>] Train_Labels of dir: string
    | [<Mandatory; Unique>] Test_Dicom of dir: string
    | [<Mandatory; Unique>] Test_Labels of dir: string
    | [<Mandatory; Unique>] Out of dir: string

    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | Train_Dicom _ -> "folder with one DICOM folder per training case (<case>/.../*.dcm)."
            | Train_Labels _ -> "folder with the training cases' NRRD label volumes (<case>.nrrd or <case>_truth.nrrd)."
            | Test_Dicom _ -> "folder with one DICOM folder per test case."
            | Test_Labels _ -> "folder with the test cases' NRRD label volumes."
            | Out _ -> "data root to write (images/<case>_<k>.dcm, masks/<case>_<k>.png, train.txt, test.txt)."

[<RequireSubcommand>]
type Args =
    | [<CliPrefix(CliPrefix.None)>] Inspect of ParseResults<InspectArgs>
    | [<CliPrefix(CliPrefix.None)>] Check of ParseResults<CheckArgs>
    | [<CliPrefix(CliPrefix.None); CustomCommandLine("prepare-nci-isbi")>] Prepare_Nci_Isbi of ParseResults<PrepareArgs>

    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | Inspect _ -> "dimensions, pixel type, spacing and value statistics of one file (DICOM: transfer syntax and key tags)."
            | Check _ -> "integrity check of a data set folder; every problem is listed, exit 2 if any."
            | Prepare_Nci_Isbi _ -> "NCI-ISBI 2013 DICOM series + NRRD labels -> slice layout (slices with prostate only)."

let private json (i: FileInspection) =
    use ms = new MemoryStream()

    (
        use w = new Utf8JsonWriter(ms, JsonWriterOptions(Indented = false))
        let number (name: string) (v: float) =
            if Double.IsFinite v then w.WriteNumber(name, v) else w.WriteNull(name)

        w.WriteStartObject()
        w.WriteString("file", i.Path)
        w.WriteString("format", i.Format)
        w.WriteStartArray("shape")
        for s in i.Shape do
            w.WriteNumberValue s
        w.WriteEndArray()
        w.WriteString("pixelType", i.PixelType)
        match i.Spacing with
        | null -> w.WriteNull("spacing")
        | sp ->
            w.WriteStartArray("spacing")
            for s in sp do
                if Double.IsFinite s then w.WriteNumberValue s else w.WriteNullValue()
            w.WriteEndArray()
        w.WriteNumber("count", i.Count)
        number "min" i.Min
        number "max" i.Max
        number "mean" i.Mean
        number "sum" i.Sum
        w.WriteStartObject("details")
        for kv in i.Details do
            w.WriteString(kv.Key, kv.Value)
        w.WriteEndObject()
        w.WriteEndObject()
    )

    Text.Encoding.UTF8.GetString(ms.ToArray())

let private inspect (args: ParseResults<InspectArgs>) =
    let info = FileInspection.Of(args.GetResult File)

    if args.Contains Json then
        printfn "%s" (json info)
    else
        for line in info.ToLines() do
            printfn "%s" line

    Cli.Exit.Ok

let private check (args: ParseResults<CheckArgs>) =
    let root = args.GetResult Data
    let layout = (args.GetResult Layout).Name
    let gaze = args.TryGetResult Gaze |> Option.toObj
    let report = DatasetCheck.Run(root, layout, gaze, args.Contains Text)

    printfn
        "%s (%s): %d train + %d test ids, %d samples read, %d gaze maps, %d text embeddings"
        report.Root
        report.Layout
        report.TrainCount
        report.TestCount
        report.SamplesRead
        report.GazeMaps
        report.TextEmbeddings

    for n in report.Notes do
        printfn "note: %s" n

    if report.Ok then
        printfn "ok: no problems"
        Cli.Exit.Ok
    else
        eprintfn "%d problems:" report.Problems.Count
        Cli.invalidInput report.Problems

let private prepare (args: ParseResults<PrepareArgs>) =
    let problems = Collections.Generic.List<string>()
    let progress = Progress<string>(fun line -> printfn "%s" line)
    let out = args.GetResult Out

    Cli.whenWritable
        [ Cli.writableFolder (Path.Combine(out, "images"))
          |> Result.bind (fun () -> Cli.writableFolder (Path.Combine(out, "masks"))) ]
    <| fun () ->
        try
            let counts =
                NciIsbiPreparation.Run(
                    args.GetResult Train_Dicom,
                    args.GetResult Train_Labels,
                    args.GetResult Test_Dicom,
                    args.GetResult Test_Labels,
                    out,
                    problems,
                    progress
                )

            for kv in counts do
                let struct (cases, slices) = kv.Value
                printfn "%s: %d cases, %d slices with prostate" kv.Key cases slices

            Cli.Exit.Ok
        with :? InvalidInputException when problems.Count > 0 ->
            Cli.invalidInput problems

let run (args: ParseResults<Args>) : int =
    match args.GetSubCommand() with
    | Inspect a -> inspect a
    | Check a -> check a
    | Prepare_Nci_Isbi a -> prepare a
