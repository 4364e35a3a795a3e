/// Shared conventions of every `runner` command: exit codes, the one-line error format, and
/// the checks that output can be written before any work starts.
module GazeInsight.Runner.Cli

open System

/// Exit codes of every command (style.md).
[<RequireQualifiedAccess>]
module Exit =
    [<Literal>]
    let Ok = 0

    [<Literal>]
    let Usage = 1

    [<Literal>]
    let InvalidInput = 2

    [<Literal>]
    let RunsFailed = 3

/// Prints `error: <message>` to stderr; the message is already `file:place: problem`.
let printError (message: string) = eprintfn "error: %s" message

/// Prints every message (one line each) and returns exit code 2.
let invalidInput (messages: string seq) =
    for m in messages do
        printError m

    Exit.InvalidInput

/// The exceptions that are the user's or the machine's doing, not a bug, as their one-line
/// message: bad input files, and files or folders that cannot be read or written (the
/// message names the path). The last net under every command; commands check up front.
let (|UserProblem|_|) (e: exn) : string option =
    let rec inner (e: exn) =
        match e with
        | :? AggregateException as a when a.InnerExceptions.Count = 1 -> inner a.InnerExceptions[0]
        | :? Reflection.TargetInvocationException as t ->
            match t.InnerException with
            | null -> e
            | i -> inner i
        | e -> e

    let oneLine (s: string) = s.Replace('\n', ' ').Replace('\r', ' ').Trim()

    match inner e with
    | :? GazeInsight.Imaging.InvalidInputException as e -> Some(oneLine e.Message)
    | :? UnauthorizedAccessException as e -> Some(oneLine $"cannot write or read: {e.Message}")
    | :? IO.IOException as e -> Some(oneLine e.Message)
    | _ -> None

/// Why a folder cannot be written, naming the path in the way: a file where a folder should
/// be (the folder itself or one above it), or the file system's refusal.
let private folderProblem (dir: string) (e: exn) =
    let rec fileInTheWay (d: string | null) =
        match d with
        | null
        | "" -> None
        | d when IO.File.Exists d -> Some d
        | d -> fileInTheWay (IO.Path.GetDirectoryName d)

    match fileInTheWay dir with
    | Some f when f = dir -> $"{dir}: is a file, not a folder"
    | Some f -> $"{dir}: cannot create the folder: {f} is a file"
    | None ->
        match e with
        | :? UnauthorizedAccessException -> $"{dir}: cannot write there (permission denied or read-only)"
        | e -> $"{dir}: cannot write there: {e.Message}"

/// Checks, before any work, that output can be written into `dir` (created if missing): the
/// folder is made, a probe file created and removed. Error: one line naming the path.
let writableFolder (dir: string) : Result<unit, string> =
    let full = IO.Path.GetFullPath dir

    try
        IO.Directory.CreateDirectory full |> ignore
        let probe = IO.Path.Combine(full, $".write-probe-{Environment.ProcessId}-{Guid.NewGuid():N}")

        do
            use _ = new IO.FileStream(probe, IO.FileMode.CreateNew, IO.FileAccess.Write)
            ()

        IO.File.Delete probe
        Ok()
    with
    | :? IO.IOException
    | :? UnauthorizedAccessException as e -> Error(folderProblem full e)

/// Checks that the file `path` can be written: not a folder, its folder writable, and if it
/// exists already, open for writing (without changing it).
let writableFile (path: string) : Result<unit, string> =
    let full = IO.Path.GetFullPath path

    if IO.Directory.Exists full then
        Error $"{path}: is a folder; expected a file name"
    else
        match writableFolder (IO.Path.GetDirectoryName full |> Option.ofObj |> Option.defaultValue ".") with
        | Error e -> Error e
        | Ok() when IO.File.Exists full ->
            try
                use _ = new IO.FileStream(full, IO.FileMode.Open, IO.FileAccess.Write)
                Ok()
            with
            | :? IO.IOException
            | :? UnauthorizedAccessException -> Error $"{path}: cannot write the file (permission denied or read-only)"
        | Ok() -> Ok()

/// Runs `body` if every check passed, else prints each problem (one line each) and exits 2.
let whenWritable (checks: Result<unit, string> list) (body: unit -> int) =
    match checks |> List.choose (function Error e -> Some e | Ok() -> None) with
    | [] -> body ()
    | problems -> invalidInput problems

/// A `--device` value checked by the same rule as `runtime.device` in TOML.
let device (value: string) : Result<string, string> =
    GazeInsight.Experiments.Spec.checkDevice value |> Result.mapError (fun e -> $"--device: {e}")

/// Cancels `cts` on Ctrl-C (SIGINT) and SIGTERM until disposed. With `secondEndsProcess`, a
/// second Ctrl-C ends the process at once (a user who does not want to wait); a sweep's child
/// keeps stopping cleanly however many it gets (the terminal's and its sweep's).
let stopOnSignals (secondEndsProcess: bool) (cts: Threading.CancellationTokenSource) : IDisposable =
    let cancel () =
        try
            cts.Cancel()
        with :? ObjectDisposedException ->
            ()

    let handler =
        ConsoleCancelEventHandler(fun _ e ->
            if not (secondEndsProcess && cts.IsCancellationRequested) then
                e.Cancel <- true
                cancel ())

    Console.CancelKeyPress.AddHandler handler

    let term =
        Runtime.InteropServices.PosixSignalRegistration.Create(
            Runtime.InteropServices.PosixSignal.SIGTERM,
            fun ctx ->
                ctx.Cancel <- true
                cancel ()
        )

    { new IDisposable with
        member _.Dispose() =
            Console.CancelKeyPress.RemoveHandler handler
            term.Dispose() }

/// A `--device` value checked, then resolved by loading libtorch: "cuda" on a machine or build
/// without CUDA is an error that says what is missing and how to get it.
let torchDevice (value: string) : Result<TorchSharp.torch.Device, string> =
    device value
    |> Result.bind (fun name ->
        try
            Ok(GazeInsight.Torch.Backend.TorchBackend.ResolveDevice name)
        with :? InvalidOperationException as e ->
            Error $"--device {name}: {e.Message}")

/// The data-set layouts a command takes (`--layout`); the names are the data readers' own.
[<RequireQualifiedAccess>]
type LayoutChoice =
    | Generic
    | Generic_Mri
    | Kvasir
    | Nci_Isbi
    | Isic

    /// The layout's name as the data readers know it (DatasetLayout.Names).
    member l.Name =
        match l with
        | Generic -> "generic"
        | Generic_Mri -> "generic-mri"
        | Kvasir -> "kvasir"
        | Nci_Isbi -> "nci-isbi"
        | Isic -> "isic"
