/// The result store: one folder per cell under results/<experiment>/<cell-id>/. Every file is
/// written to a temporary name and renamed, so a kill at any moment leaves either the old or
/// the new file, never a truncated one; metrics.json is written last and marks a finished cell.
module GazeInsight.Experiments.Store

open System
open System.Globalization
open System.IO
open System.Text
open System.Text.Json
open GazeInsight.Experiments.Toml
open GazeInsight.Imaging.IO

let ConfigFile = "config.toml"
let MetricsFile = "metrics.json"
let CasesFile = "cases.csv"
let CurveFile = "curve.csv"
let LogFile = "log.txt"
let FailureFile = "failure.json"
let ProgressFile = "progress.json"
let LockFile = "lock"
let EventsFile = "events.log"

let experimentDir (resultsRoot: string) (experiment: string) = Path.Combine(resultsRoot, experiment)
let cellDir (resultsRoot: string) (experiment: string) (id: string) = Path.Combine(resultsRoot, experiment, id)

/// Temp file in the same folder (same file system, so the rename is atomic), then rename.
let writeAtomic (path: string) (text: string) =
    let dir = dirOf path
    Directory.CreateDirectory dir |> ignore
    let tmp = $"{path}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}"

    do
        use fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write)
        let bytes = UTF8Encoding(false).GetBytes(text)
        fs.Write(bytes, 0, bytes.Length)
        fs.Flush(true)

    File.Move(tmp, path, true)

let private inv (f: float) = Csv.Number f

let private parseFloat (s: string) =
    match Csv.TryParseNumber s with
    | true, v -> v
    | _ -> failwithf "not a number in a results file: \"%s\"" s

let private csvField (s: string) = Csv.Field s

/// Splits one CSV line (RFC 4180 quoting, no embedded line breaks in our files).
let splitCsv (line: string) =
    match Csv.SplitLine line with
    | null -> failwithf "unterminated quote in a results file line: %s" line
    | fields -> List.ofSeq fields

/// cases.csv: output,checkpoint,case,<metric>... one row per case (the source of every table).
let casesCsv (rows: CaseRow list) =
    let metrics = rows |> List.collect (fun r -> r.Values |> List.map fst) |> List.distinct
    let sb = StringBuilder()
    sb.Append("output,checkpoint,case").Append(String.Join("", metrics |> List.map (fun (m: Metric) -> "," + m.Name))).Append('\n') |> ignore

    for r in rows do
        sb.Append(r.Output.Name).Append(',').Append(r.Checkpoint.Name).Append(',').Append(csvField r.Case) |> ignore

        for m in metrics do
            let v = r.Values |> List.tryFind (fun (k, _) -> k = m) |> Option.map snd |> Option.defaultValue nan
            sb.Append(',').Append(inv v) |> ignore

        sb.Append('\n') |> ignore

    sb.ToString()

/// Reads cases.csv back; a file this store did not write (unknown output, checkpoint or metric,
/// wrong field count) is a bug or a hand edit, and throws naming the line.
let parseCasesCsv (text: string) : CaseRow list =
    let lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries) |> List.ofArray

    let known what (parse: string -> 'a option) (name: string) =
        match parse name with
        | Some v -> v
        | None -> failwithf "cases.csv: unknown %s \"%s\"" what name

    match lines with
    | [] -> []
    | header :: rows ->
        let metrics = splitCsv header |> List.skip 3 |> List.map (known "metric" Metric.TryParse)

        [ for line in rows do
              match splitCsv line with
              | o :: c :: case :: values when values.Length = metrics.Length ->
                  yield
                      { Output = known "output" Output.TryParse o
                        Checkpoint = known "checkpoint" Checkpoint.TryParse c
                        Case = case
                        Values = List.zip metrics (values |> List.map parseFloat) }
              | _ -> failwithf "malformed cases.csv line: %s" line ]

let curveCsv (rows: CurveRow list) =
    let sb = StringBuilder("iteration,loss,learning_rate,validation_dice\n")

    for r in rows do
        sb.Append(r.Iteration).Append(',').Append(inv r.Loss).Append(',').Append(inv r.LearningRate).Append(',').Append(inv r.ValidationDice).Append('\n') |> ignore

    sb.ToString()

let parseCurveCsv (text: string) : CurveRow list =
    text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
    |> Array.skip 1
    |> Array.map (fun line ->
        match splitCsv line with
        | [ i; l; lr; v ] ->
            { Iteration = int i
              Loss = parseFloat l
              LearningRate = parseFloat lr
              ValidationDice = parseFloat v }
        | _ -> failwithf "malformed curve.csv line: %s" line)
    |> List.ofArray

let private jsonNumber (w: Utf8JsonWriter) (name: string) (v: float) =
    if Double.IsFinite v then w.WriteNumber(name, v) else w.WriteNull(name)

/// metrics.json: the cell's summary (mean of each metric per output and checkpoint, with the
/// number of valid cases), timings and device.
let metricsJson (cell: Cell) (r: CellResult) =
    use ms = new MemoryStream()

    do
        use w = new Utf8JsonWriter(ms, JsonWriterOptions(Indented = true))
        w.WriteStartObject()
        w.WriteString("cell", cell.Id)
        w.WriteString("row", cell.Row)
        w.WriteNumber("seed", cell.Seed)
        w.WriteString("device", r.Device)
        jsonNumber w "train_seconds" r.TrainSeconds
        jsonNumber w "images_per_second" r.ImagesPerSecond
        w.WriteNumber("best_iteration", r.BestIteration)
        match r.SelectOutput with
        | Some o -> w.WriteString("select_output", o.Name)
        | None -> w.WriteNull("select_output")
        w.WriteStartArray("summary")

        for (o, c), rows in r.Cases |> List.groupBy (fun x -> x.Output, x.Checkpoint) do
            for m in rows.Head.Values |> List.map fst do
                let values = rows |> List.map (fun x -> x.Values |> List.find (fun (k, _) -> k = m) |> snd)
                let valid = values |> List.filter (fun v -> not (Double.IsNaN v))
                w.WriteStartObject()
                w.WriteString("output", o.Name)
                w.WriteString("checkpoint", c.Name)
                w.WriteString("metric", m.Name)
                jsonNumber w "mean" (if valid.IsEmpty then nan else List.average valid)
                w.WriteNumber("valid", valid.Length)
                w.WriteNumber("cases", values.Length)
                w.WriteEndObject()

        w.WriteEndArray()
        w.WriteEndObject()

    Encoding.UTF8.GetString(ms.ToArray()) + "\n"

/// Removes the record of an earlier failed attempt (the latest attempt's outcome is the state;
/// log.txt keeps the history).
let clearFailure (dir: string) =
    let failure = Path.Combine(dir, FailureFile)

    if File.Exists failure then
        File.Delete failure

/// Writes a finished cell's results; metrics.json last (it marks the cell finished).
let writeResult (dir: string) (cell: Cell) (r: CellResult) =
    writeAtomic (Path.Combine(dir, CasesFile)) (casesCsv r.Cases)
    writeAtomic (Path.Combine(dir, CurveFile)) (curveCsv r.Curve)
    clearFailure dir
    writeAtomic (Path.Combine(dir, MetricsFile)) (metricsJson cell r)

/// Reads a finished cell's results (None when it is not finished).
let readResult (dir: string) : CellResult option =
    let metrics = Path.Combine(dir, MetricsFile)

    if not (File.Exists metrics) then
        None
    else
        use doc = JsonDocument.Parse(File.ReadAllText metrics)
        let root = doc.RootElement

        let num (name: string) =
            match root.TryGetProperty name with
            | true, v when v.ValueKind = JsonValueKind.Number -> v.GetDouble()
            | _ -> nan

        let curveFile = Path.Combine(dir, CurveFile)

        Some
            { Cases = parseCasesCsv (File.ReadAllText(Path.Combine(dir, CasesFile)))
              Curve = (if File.Exists curveFile then parseCurveCsv (File.ReadAllText curveFile) else [])
              BestIteration = int (num "best_iteration")
              SelectOutput =
                match root.TryGetProperty "select_output" with
                | true, v when v.ValueKind = JsonValueKind.String -> Output.TryParse(v.GetString() |> nn)
                | _ -> None
              TrainSeconds = num "train_seconds"
              ImagesPerSecond = num "images_per_second"
              Device = root.GetProperty("device").GetString() |> nn }

/// Records a failed attempt (the reason, one line).
let writeFailure (dir: string) (reason: string) =
    use ms = new MemoryStream()

    do
        use w = new Utf8JsonWriter(ms, JsonWriterOptions(Indented = true))
        w.WriteStartObject()
        w.WriteString("reason", reason)
        w.WriteString("at", DateTimeOffset.UtcNow.ToString("o"))
        w.WriteEndObject()

    writeAtomic (Path.Combine(dir, FailureFile)) (Encoding.UTF8.GetString(ms.ToArray()) + "\n")

let readFailure (dir: string) =
    let f = Path.Combine(dir, FailureFile)

    if File.Exists f then
        try
            use doc = JsonDocument.Parse(File.ReadAllText f)
            Some(doc.RootElement.GetProperty("reason").GetString() |> nn)
        with _ ->
            Some "failed (unreadable failure.json)"
    else
        None

// ---- progress (for `runner status` from another process) -------------------------------------

/// progress.json: the latest progress, the attempt's elapsed seconds, and where the attempt's
/// own measurements started (`runStart`: iteration and seconds of its first report), so that a
/// rate is computed from what this attempt trained, not from a resumed total.
let writeProgress (dir: string) (p: Progress) (elapsedSeconds: float) (runStart: int * float) =
    use ms = new MemoryStream()

    do
        use w = new Utf8JsonWriter(ms)
        w.WriteStartObject()
        w.WriteNumber("iteration", p.Iteration)
        w.WriteNumber("iterations", p.Iterations)
        jsonNumber w "loss" p.Loss
        jsonNumber w "validation_dice" (Option.defaultValue nan p.ValidationDice)
        jsonNumber w "elapsed_seconds" elapsedSeconds
        w.WriteNumber("run_start_iteration", fst runStart)
        jsonNumber w "run_start_seconds" (snd runStart)
        w.WriteString("at", DateTimeOffset.UtcNow.ToString("o"))
        w.WriteEndObject()

    writeAtomic (Path.Combine(dir, ProgressFile)) (Encoding.UTF8.GetString(ms.ToArray()) + "\n")

/// Seconds per iteration of the attempt that wrote progress.json, from its own iterations only;
/// None before it has trained one.
let progressRate (dir: string) : float option =
    try
        use doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, ProgressFile)))
        let r = doc.RootElement

        match r.TryGetProperty "run_start_iteration", r.TryGetProperty "run_start_seconds" with
        | (true, it0), (true, t0) when t0.ValueKind = JsonValueKind.Number ->
            let it = r.GetProperty("iteration").GetInt32()
            let t = r.GetProperty("elapsed_seconds").GetDouble()

            if it > it0.GetInt32() then
                Some((t - t0.GetDouble()) / float (it - it0.GetInt32()))
            else
                None
        | _ -> None
    with _ ->
        None

/// The last progress a running cell wrote, with its elapsed seconds.
let readProgress (dir: string) : (Progress * float) option =
    let f = Path.Combine(dir, ProgressFile)

    if not (File.Exists f) then
        None
    else
        try
            use doc = JsonDocument.Parse(File.ReadAllText f)
            let r = doc.RootElement
            let num (n: string) = if r.GetProperty(n).ValueKind = JsonValueKind.Number then r.GetProperty(n).GetDouble() else nan

            Some(
                { Iteration = r.GetProperty("iteration").GetInt32()
                  Iterations = r.GetProperty("iterations").GetInt32()
                  Loss = num "loss"
                  ValidationDice = (let v = num "validation_dice" in if Double.IsNaN v then None else Some v) },
                num "elapsed_seconds"
            )
        with _ ->
            None

// ---- lock ----------------------------------------------------------------------------------

/// Takes the cell's lock: an exclusively opened file (an advisory lock the OS drops when the
/// process dies, so a killed runner never leaves a stale lock). None when another process has it.
let tryLock (dir: string) : IDisposable option =
    Directory.CreateDirectory dir |> ignore

    try
        let fs =
            new FileStream(Path.Combine(dir, LockFile), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None)

        fs.SetLength 0L
        let bytes = Encoding.ASCII.GetBytes(string Environment.ProcessId + "\n")
        fs.Write(bytes, 0, bytes.Length)
        fs.Flush(true)
        Some(fs :> IDisposable)
    with :? IOException ->
        None

/// Whether another process holds the cell's lock (probes by taking and dropping it).
let isLocked (dir: string) =
    if not (File.Exists(Path.Combine(dir, LockFile))) then
        false
    else
        match tryLock dir with
        | Some l ->
            l.Dispose()
            false
        | None -> true

/// The state of a cell from its folder: finished (metrics.json), running (locked), failed
/// (failure.json), interrupted (started: progress.json, but none of those), else pending.
let state (dir: string) : Plan.CellState =
    if File.Exists(Path.Combine(dir, MetricsFile)) then Plan.Finished
    elif isLocked dir then Plan.Running
    else
        match readFailure dir with
        | Some r -> Plan.Failed r
        | None when File.Exists(Path.Combine(dir, ProgressFile)) -> Plan.Interrupted
        | None -> Plan.Pending

/// Appends one line to the experiment's event log (the concise sweep log).
let appendEvent (experimentDir: string) (line: string) =
    Directory.CreateDirectory experimentDir |> ignore
    let stamp = DateTimeOffset.Now.ToString("yyyy-MM-dd HH:mm:ss")
    File.AppendAllText(Path.Combine(experimentDir, EventsFile), $"{stamp} {line}\n")

/// Appends a line to a cell's log.
let appendLog (dir: string) (line: string) =
    let stamp = DateTimeOffset.Now.ToString("HH:mm:ss")
    File.AppendAllText(Path.Combine(dir, LogFile), $"{stamp} {line}\n")

// ---- the cell's config.toml: canonical config + [runtime] ------------------------------------

/// config.toml of a cell: its canonical config (the id's basis) then the runtime section.
let cellConfigText (cell: Cell) (runtime: CellRuntime) =
    let rt =
        node (
            Tab
                [ "runtime",
                  node (
                      Tab
                          [ yield "experiment_dir", node (Str runtime.ExperimentDir)
                            yield "device", node (Str runtime.Device)
                            match runtime.Threads with
                            | Some n -> yield "threads", node (Int(int64 n))
                            | None -> ()
                            yield "cache_dir", node (Str runtime.CacheDir) ]
                  ) ]
        )

    $"# cell {cell.Id}: {cell.Row}, seed {cell.Seed}\n"
    + "# Everything above [runtime] is the resolved config; its hash is the cell id.\n"
    + cell.Canonical
    + "\n"
    + writeCanonical rt

/// Reads a cell's config.toml back: (config, runtime, canonical text), or every problem.
let readCellConfig (file: string) (text: string) : Result<CellConfig * CellRuntime * string, SpecError list> =
    match Toml.parse file text with
    | Error e -> Error e
    | Ok doc ->
        let s = Fields.newScope file

        let runtime =
            match tryGet "runtime" doc with
            | Some r ->
                Fields.checkKeys s "runtime" r [ "experiment_dir"; "device"; "threads"; "cache_dir" ]

                Some
                    { ExperimentDir = Fields.opt s "runtime" r "experiment_dir" Fields.nonEmptyStr "."
                      Device = Fields.opt s "runtime" r "device" Fields.nonEmptyStr "auto"
                      Threads = tryGet "threads" r |> Option.bind (Fields.intIn 1 1024 s "runtime.threads")
                      CacheDir = Fields.opt s "runtime" r "cache_dir" Fields.nonEmptyStr ".cache" }
            | None ->
                Fields.fail s doc.Pos "runtime" "missing section [runtime]"
                None

        let cellDoc = without "runtime" doc
        Fields.checkKeys s "" cellDoc ("seed" :: CellToml.sections)

        match runtime with
        | Some rt ->
            let resolve: CellToml.PathResolver =
                fun _ p -> if Path.IsPathRooted p then p else Path.GetFullPath(Path.Combine(rt.ExperimentDir, p))

            match CellToml.read s resolve false cellDoc with
            | Some cfg when s.Errors.Count = 0 -> Ok(cfg, rt, CellToml.canonical rt.ExperimentDir cfg)
            | _ -> Error(List.ofSeq s.Errors)
        | None -> Error(List.ofSeq s.Errors)
