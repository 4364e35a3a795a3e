/// A paper file: experiment files as data sets (the column groups of a cross table) and the
/// tables to build across them. Loading is pure over a FileReader; every problem is reported
/// with its file, line and key, like an experiment file's.
module GazeInsight.Experiments.Paper

open System
open System.IO
open System.Text.RegularExpressions
open GazeInsight.Experiments.Toml
open GazeInsight.Experiments.Fields

/// One data set: an experiment file whose results form a column group.
type DatasetRef =
    { /// The key tables name it by.
      Name: string
      /// The column group's header.
      Label: string
      /// The experiment file (absolute).
      File: string
      /// Metrics of this group, overriding the table's (None: the table's).
      Metrics: Metric list option
      Pos: Pos option }

/// A table across data sets: rows are variant (or "variant:output") names shared by the
/// experiment files; each named data set is a column group.
type CrossTableSpec =
    { Name: string
      Caption: string
      Rows: RowRef list
      /// Data set names, in column order.
      Datasets: string list
      Metrics: Metric list
      Checkpoint: Checkpoint
      Significance: Significance option
      /// Where `rows` was written (for problems found once the experiments are loaded).
      RowsPos: Pos option
      Pos: Pos option }

type PaperSpec =
    { Name: string
      Description: string
      File: string
      Datasets: DatasetRef list
      Tables: CrossTableSpec list }

/// A TOML document is a paper file when it declares data sets (an experiment file cannot).
let isPaper (doc: Node) = (tryGet "dataset" doc).IsSome

let private nameRegex = Regex("^[A-Za-z0-9][A-Za-z0-9._-]*$")

let private safeName: Conv<string> =
    fun s path n ->
        match nonEmptyStr s path n with
        | Some v when nameRegex.IsMatch v -> Some v
        | Some v ->
            fail s n.Pos path $"must be letters, digits, '.', '_' or '-' (it names a file), got \"{v}\""
            None
        | None -> None

/// "variant" or "variant:output" (the suffix only when it names an output).
let parseRowRef (text: string) : RowRef =
    match text.LastIndexOf ':' with
    | i when i > 0 ->
        match Output.TryParse(text.Substring(i + 1)) with
        | Some o -> { Variant = text.Substring(0, i); Output = Some o }
        | None -> { Variant = text; Output = None }
    | _ -> { Variant = text; Output = None }

let private metricList = nonEmptyList (choiceOf (Metric.All |> List.map (fun m -> m.Name, m)))

let private readDatasets (s: Scope) (dir: string) (doc: Node) =
    match tryGet "dataset" doc with
    | Some { Value = Arr items } ->
        let sets =
            items
            |> List.mapi (fun i item ->
                let path = $"dataset[{i}]"

                match table s path item with
                | None -> None
                | Some t ->
                    checkKeys s path t [ "name"; "label"; "file"; "metrics" ]
                    let name = req s path t "name" "a string (the data set's key in tables)" safeName
                    let file = req s path t "file" "a string (an experiment file, relative to this one)" nonEmptyStr
                    let label = opt s path t "label" nonEmptyStr ""
                    let metrics = opt s path t "metrics" (fun s p n -> metricList s p n |> Option.map Some) None

                    match name, file with
                    | Some name, Some file ->
                        Some
                            { Name = name
                              Label = (if label = "" then name else label)
                              File = Path.GetFullPath(Path.Combine(dir, file))
                              Metrics = metrics
                              Pos = item.Pos }
                    | _ -> None)
            |> List.choose id

        for _, group in sets |> List.groupBy _.Name do
            match group with
            | _ :: second :: _ -> fail s second.Pos "dataset" $"data set name \"{second.Name}\" is used twice"
            | _ -> ()

        if items.IsEmpty then
            fail s doc.Pos "dataset" "a paper file needs at least one [[dataset]]"

        sets
    | Some n ->
        wrongType s "dataset" n "an array of tables ([[dataset]])"
        []
    | None -> []

let private readTables (s: Scope) (doc: Node) (datasets: DatasetRef list) =
    let names = datasets |> List.map _.Name

    let datasetName: Conv<string> =
        fun s path n ->
            match str s path n with
            | Some v when List.contains v names -> Some v
            | Some v ->
                let all = String.Join(", ", names |> List.map (sprintf "\"%s\""))

                match suggest v names with
                | Some near -> fail s n.Pos path $"no data set named \"{v}\"; did you mean \"{near}\"?"
                | None -> fail s n.Pos path $"no data set named \"{v}\"; data sets are {all}"

                None
            | None -> None

    let rowRef: Conv<RowRef> = fun s path n -> nonEmptyStr s path n |> Option.map parseRowRef

    match tryGet "table" doc with
    | None ->
        fail s doc.Pos "table" "a paper file needs at least one [[table]] (name, rows)"
        []
    | Some { Value = Arr items } ->
        let tables =
            items
            |> List.mapi (fun i item ->
                let path = $"table[{i}]"

                match table s path item with
                | None -> None
                | Some t ->
                    checkKeys s path t [ "name"; "caption"; "rows"; "datasets"; "metrics"; "checkpoint"; "baseline"; "test"; "over" ]
                    let name = req s path t "name" "a string (the table's file name)" safeName
                    let rows = req s path t "rows" "an array of variant names (\"variant\" or \"variant:output\")" (nonEmptyList rowRef)
                    let baseline = opt s path t "baseline" (fun s p n -> rowRef s p n |> Option.map Some) None
                    let test = opt s path t "test" (choiceOf [ "wilcoxon", Wilcoxon; "t", PairedT ]) Wilcoxon
                    let over = opt s path t "over" (choiceOf [ "cases", Cases; "seeds", Seeds ]) Cases

                    match baseline, rows with
                    | Some b, Some rows when not (List.contains b rows) ->
                        fail s (at t "baseline") (join path "baseline") $"the baseline \"{b}\" must be one of the table's rows"
                    | None, _ ->
                        for k in [ "test"; "over" ] do
                            match tryGet k t with
                            | Some n -> fail s n.Pos (join path k) "only meaningful with baseline = \"<row>\""
                            | None -> ()
                    | _ -> ()

                    match rows with
                    | Some rows when (List.distinct rows).Length <> rows.Length ->
                        fail s (at t "rows") (join path "rows") "a row is listed twice"
                    | _ -> ()

                    match name, rows with
                    | Some name, Some rows ->
                        Some
                            { Name = name
                              Caption = opt s path t "caption" str ""
                              Rows = rows
                              Datasets = opt s path t "datasets" (nonEmptyList datasetName) names
                              Metrics = opt s path t "metrics" metricList [ Metric.Dice; Metric.IoU ]
                              Checkpoint = opt s path t "checkpoint" (choiceOf (Checkpoint.All |> List.map (fun c -> c.Name, c))) Best
                              Significance = baseline |> Option.map (fun b -> { Baseline = b; Test = test; Over = over })
                              RowsPos = at t "rows"
                              Pos = item.Pos }
                    | _ -> None)
            |> List.choose id

        for _, group in tables |> List.groupBy _.Name do
            match group with
            | _ :: second :: _ -> fail s second.Pos "table" $"table name \"{second.Name}\" is used twice"
            | _ -> ()

        tables
    | Some n ->
        wrongType s "table" n "an array of tables ([[table]])"
        []

/// Validates a parsed paper file (the experiment files it names are loaded separately).
let read (file: string) (doc: Node) : Result<PaperSpec, SpecError list> =
    let s = newScope file
    checkKeys s "" doc [ "name"; "description"; "dataset"; "table" ]
    let name = opt s "" doc "name" safeName (nn (Path.GetFileNameWithoutExtension file))
    let description = opt s "" doc "description" str ""
    let datasets = readDatasets s (dirOf file) doc
    let tables = readTables s doc datasets

    if s.Errors.Count > 0 then
        Error(List.ofSeq s.Errors)
    else
        Ok
            { Name = name
              Description = description
              File = file
              Datasets = datasets
              Tables = tables }

/// The cells of one row in one experiment: the variant's cells (or, with grid axes, those of
/// the row label "variant (axis=value)"); None when the experiment has no such row.
let rowCells (spec: ExperimentSpec) (row: RowRef) : Cell list option =
    match spec.Cells |> List.filter (fun c -> c.Row = row.Variant) with
    | [] -> None
    | cells -> Some cells

/// Problems only visible with the experiments loaded: a row no data set has (a typo, not a
/// missing entry), a row naming a grid variant without its grid point.
let check (paper: PaperSpec) (experiments: (DatasetRef * ExperimentSpec) list) : SpecError list =
    let s = newScope paper.File

    for t in paper.Tables do
        let path = $"table \"{t.Name}\".rows"
        let inTable = experiments |> List.filter (fun (d, _) -> List.contains d.Name t.Datasets)

        for row in t.Rows do
            if inTable |> List.forall (fun (_, spec) -> (rowCells spec row).IsNone) then
                let gridRows =
                    inTable
                    |> List.collect (fun (_, spec) -> spec.Cells |> List.filter (fun c -> c.Variant = row.Variant) |> List.map _.Row)
                    |> List.distinct

                match gridRows with
                | first :: _ ->
                    fail s t.RowsPos path $"\"{row.Variant}\" has grid points; name one row, e.g. \"{first}\""
                | [] ->
                    let known = inTable |> List.collect (fun (_, spec) -> spec.Cells |> List.map _.Row) |> List.distinct

                    match suggest row.Variant known with
                    | Some near -> fail s t.RowsPos path $"no data set has a row \"{row.Variant}\"; did you mean \"{near}\"?"
                    | None ->
                        let all = String.Join(", ", known)
                        fail s t.RowsPos path $"no data set has a row \"{row.Variant}\" (rows: {all})"

    List.ofSeq s.Errors

/// Loads a paper file and every experiment file it names (each validated as `runner sweep`
/// would), then checks the rows against them; every problem at once.
let load (reader: Spec.FileReader) (options: Spec.LoadOptions) (file: string) : Result<PaperSpec * (DatasetRef * ExperimentSpec) list, SpecError list> =
    let file = Path.GetFullPath file

    let parsed =
        match reader file with
        | Error reason -> Error [ { Pos = None; File = file; Path = ""; Message = reason } ]
        | Ok text -> Toml.parse file text

    match parsed |> Result.bind (read file) with
    | Error e -> Error e
    | Ok paper ->
        let loaded = paper.Datasets |> List.map (fun d -> d, Spec.load reader options d.File)

        match loaded |> List.collect (fun (_, r) -> match r with Error e -> e | Ok _ -> []) with
        | [] ->
            let experiments = loaded |> List.map (fun (d, r) -> d, (match r with Ok s -> s | Error _ -> failwith "unreachable"))

            // two data sets writing to one results folder would mix their cells' tables
            let clash =
                experiments
                |> List.groupBy (fun (_, s) -> s.Name)
                |> List.choose (fun (name, group) ->
                    match group with
                    | _ :: (d, _) :: _ -> Some { Pos = d.Pos; File = file; Path = "dataset"; Message = $"two data sets name the experiment \"{name}\"" }
                    | _ -> None)

            match clash @ check paper experiments with
            | [] -> Ok(paper, experiments)
            | problems -> Error problems
        | problems -> Error problems
