/// A table across data sets as data: rows are methods, column groups are data sets, each with
/// its metrics; best and second best per column, a dagger where a paired test against the
/// baseline row gives p < 0.05, and for every entry that is missing or incomplete a footnote
/// saying why. Built from already loaded results (pure); rendered by PaperRender.
module GazeInsight.Experiments.PaperTables

open System
open GazeInsight.Experiments.Paper

/// What the builder needs of one data set: its experiment, its finished results and the
/// state of its other cells (running, failed...: why an entry is missing).
type DatasetResults =
    { Dataset: DatasetRef
      Spec: ExperimentSpec
      Results: Tables.Results
      /// Cells absent here are pending (never started).
      States: Map<string, Plan.CellState> }

type Entry =
    { Stat: Aggregate.Stat option
      /// Seeds expected for this row in this data set.
      Expected: int
      /// p against the baseline row (None: the baseline itself, no baseline, too few pairs).
      P: float option
      /// 1 = best in its column, 2 = second best (distinct means, direction-aware).
      Rank: int option
      /// Index into the table's Notes.
      Note: int option }

type Group =
    { Dataset: string
      Label: string
      Metrics: Metric list }

type Row =
    { Label: string
      IsBaseline: bool
      /// Per group, per metric.
      Entries: Entry list list }

type CrossTable =
    { Name: string
      Caption: string
      Groups: Group list
      Rows: Row list
      /// Footnotes, in order of first use (markers a, b, c...).
      Notes: string list }

/// The p-value below which an entry gets a dagger.
let significanceLevel = 0.05

/// Footnote markers: a..z, then aa, ab...
let marker (i: int) =
    if i < 26 then string (char (int 'a' + i)) else string (char (int 'a' + i / 26 - 1)) + string (char (int 'a' + i % 26))

let private why (states: Map<string, Plan.CellState>) (cells: Cell list) (finished: int) =
    let states = cells |> List.map (fun c -> Map.tryFind c.Id states |> Option.defaultValue Plan.Pending)
    let count f = states |> List.filter f |> List.length
    let running = count (fun s -> s = Plan.Running)
    let failed = count (fun s -> s.IsFailed)
    let interrupted = count (fun s -> s = Plan.Interrupted)

    [ if running > 0 then yield $"{running} running"
      if failed > 0 then yield $"{failed} failed"
      if interrupted > 0 then yield $"{interrupted} interrupted"
      let pending = cells.Length - finished - running - failed - interrupted
      if pending > 0 then yield $"{pending} not run" ]

let build (paper: PaperSpec) (t: CrossTableSpec) (data: DatasetResults list) : CrossTable =
    let notes = ResizeArray<string>()

    let note (text: string) =
        match Seq.tryFindIndex ((=) text) notes with
        | Some i -> i
        | None ->
            notes.Add text
            notes.Count - 1

    let groups =
        [ for name in t.Datasets do
              let d = data |> List.find (fun d -> d.Dataset.Name = name)
              yield d, { Dataset = name; Label = d.Dataset.Label; Metrics = defaultArg d.Dataset.Metrics t.Metrics } ]

    /// The cells and the output shown of a row in a data set, or why there are none.
    let resolve (d: DatasetResults) (row: RowRef) : Result<Cell list * Output, string> =
        match rowCells d.Spec row with
        | None -> Error $"no row \"{row.Variant}\" in {d.Dataset.Label} ({IO.Path.GetFileName d.Spec.File})"
        | Some cells ->
            let methodOutputs = MethodOutputs.all cells.Head.Config.Method

            match row.Output with
            | Some o when not (List.contains o methodOutputs) ->
                Error $"\"{row.Variant}\" has no output \"{o.Name}\" in {d.Dataset.Label}"
            | Some o -> Ok(cells, o)
            | None -> Ok(cells, MethodOutputs.headline cells.Head.Config.Method)

    let seeded (d: DatasetResults) (cells: Cell list) =
        cells |> List.choose (fun c -> Map.tryFind c.Id d.Results |> Option.map (fun r -> c.Seed, r))

    let entriesOf (row: RowRef) =
        [ for d, g in groups do
              let resolved = resolve d row

              let baseline =
                  match t.Significance with
                  | Some s when s.Baseline <> row ->
                      match resolve d s.Baseline with
                      | Ok(cells, o) -> Some(s, seeded d cells, o)
                      | Error _ -> None
                  | _ -> None

              yield
                  [ for m in g.Metrics do
                        match resolved with
                        | Error reason ->
                            yield { Stat = None; Expected = 0; P = None; Rank = None; Note = Some(note reason) }
                        | Ok(cells, output) ->
                            let mine = seeded d cells
                            let values = mine |> List.choose (fun (_, r) -> Aggregate.cellValue output t.Checkpoint m r)
                            let stat = Aggregate.stat values

                            let p =
                                baseline
                                |> Option.bind (fun (s, baseCells, baseOutput) ->
                                    Aggregate.pairs s.Over output baseOutput t.Checkpoint m mine baseCells |> Aggregate.test s.Test)

                            let undefined = mine.Length - values.Length
                            let others = why d.States cells mine.Length

                            let reason =
                                [ if not others.IsEmpty then yield String.Join(", ", others)
                                  if undefined > 0 then yield $"{undefined} undefined on every case (e.g. HD95 with empty predictions)" ]

                            let noteText =
                                match stat with
                                | Some s when s.Seeds = cells.Length -> None
                                | Some s -> Some($"{s.Seeds} of {cells.Length} seeds (" + String.Join("; ", reason) + ")")
                                | None -> Some("no value: of " + $"{cells.Length} seed" + (if cells.Length = 1 then ", " else "s, ") + String.Join("; ", reason))

                            yield
                                { Stat = stat
                                  Expected = cells.Length
                                  P = p
                                  Rank = None
                                  Note = noteText |> Option.map note } ] ]

    let rows =
        [ for row in t.Rows do
              yield
                  { Label = string row
                    IsBaseline = t.Significance |> Option.exists (fun s -> s.Baseline = row)
                    Entries = entriesOf row } ]

    // Best (rank 1) and second best (rank 2) per column among distinct means; ties share a rank.
    let rank (rows: Row list) (gi: int) (mi: int) (m: Metric) =
        let means =
            rows |> List.choose (fun r -> (List.item mi r.Entries[gi]).Stat |> Option.map _.Mean) |> List.distinct
            |> List.sortBy (fun v -> if m.HigherIsBetter then -v else v)

        rows
        |> List.map (fun r ->
            let e = (List.item mi r.Entries[gi])

            let rankOf =
                e.Stat |> Option.bind (fun s ->
                    match List.findIndex ((=) s.Mean) means with
                    | 0 -> Some 1
                    | 1 -> Some 2
                    | _ -> None)

            { r with Entries = r.Entries |> List.mapi (fun gj es -> if gj <> gi then es else es |> List.mapi (fun mj x -> if mj = mi then { x with Rank = rankOf } else x)) })

    let rows =
        groups
        |> List.indexed
        |> List.fold (fun rows (gi, (_, g)) -> g.Metrics |> List.indexed |> List.fold (fun rows (mi, m) -> rank rows gi mi m) rows) rows

    let head =
        if String.IsNullOrWhiteSpace t.Caption then $"{paper.Name}: test-set metrics across data sets" else t.Caption.Trim().TrimEnd('.')

    let seeds =
        groups |> List.map (fun (d, _) -> d.Dataset.Label, d.Spec.Seeds.Length) |> List.distinctBy snd

    let seedsNote =
        match seeds with
        | [ _, n ] -> $"mean ± std over {n} seed" + (if n = 1 then "" else "s")
        | _ -> "mean ± std over seeds (" + String.Join(", ", groups |> List.map (fun (d, _) -> $"{d.Dataset.Label}: {d.Spec.Seeds.Length}")) + ")"

    let checkpointNote =
        match t.Checkpoint with
        | Last -> "last checkpoint"
        | Best -> "best-on-validation checkpoint"

    let parts =
        [ yield $"{head}. Each row shows its method's headline output unless it names one (\"variant:output\"); {checkpointNote}; {seedsNote}; Dice and IoU in %%, distances in pixels; best per column in bold, second best underlined."
          match t.Significance with
          | Some s ->
              let test = (Tables.testName s).Substring(3)
              yield $"†: p < {significanceLevel} in a {test}."
          | None -> () ]

    { Name = t.Name
      Caption = String.Join(" ", parts)
      Groups = groups |> List.map snd
      Rows = rows
      Notes = List.ofSeq notes }
