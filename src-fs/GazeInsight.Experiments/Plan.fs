/// What a sweep has to do, as pure functions of the spec and what is on disk.
module GazeInsight.Experiments.Plan

open GazeInsight.Experiments.Toml

/// A cell's state as read from its folder.
type CellState =
    | Pending
    | Finished
    /// The last attempt failed (the reason as recorded); the next sweep retries it.
    | Failed of reason: string
    /// Another process holds the cell's lock.
    | Running
    /// Started, then stopped before finishing (Ctrl-C, a killed sweep): the next sweep
    /// resumes it from its last checkpoint. Not a failure.
    | Interrupted

/// The cells a sweep runs: every cell not finished (failed ones are retried), in grid order.
let pending (cells: Cell list) (state: string -> CellState) =
    cells |> List.filter (fun c -> state c.Id <> Finished)

let rec private leaves (prefix: string) (n: Node) =
    match n.Value with
    | Tab items ->
        [ for k, v in items do
              let p = if prefix = "" then formatKey k else prefix + "." + formatKey k
              yield! leaves p v ]
    | v -> [ prefix, formatInline v ]

/// Keys whose resolved value differs between a reference config and a cell (seed left out:
/// it is shown on its own). Both sides are fully resolved, so defaults never show up as changes.
let differences (baseDir: string) (reference: CellConfig) (cell: CellConfig) : (string * string) list =
    let a = leaves "" (CellToml.toNode baseDir { reference with Seed = 0 }) |> Map.ofList
    let b = leaves "" (CellToml.toNode baseDir { cell with Seed = 0 })

    b |> List.filter (fun (k, v) -> Map.tryFind k a <> Some v)

/// The reference for `differences`: the base document alone if it is a complete config,
/// else the first cell of the grid.
let reference (spec: ExperimentSpec) : CellConfig option =
    let s = Fields.newScope spec.File
    let resolve = CellToml.relativeToWritingFile (dirOf spec.File)

    match CellToml.read s resolve false spec.Base with
    | Some cfg when s.Errors.Count = 0 -> Some cfg
    | _ -> spec.Cells |> List.tryHead |> Option.map _.Config
