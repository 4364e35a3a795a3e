/// `runner status FILE`: what a sweep has done so far, read from the result folders (works
/// while a sweep runs in another process or on another machine sharing the folder).
module GazeInsight.Runner.Commands.Status

open System
open Argu
open GazeInsight.Experiments
open GazeInsight.Runner

type Args =
    | [<MainCommand; ExactlyOnce>] File of experiment_toml: string
    | Set of ``key=value``: string
    | Results of dir: string

    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | File _ -> "experiment file (TOML)."
            | Set _ -> "override a key, as given to sweep."
            | Results _ -> "results folder (default: results)."

/// One line per cell and a summary, from the states read from disk; `slurm` gives the state
/// and detail of the cells that have a Slurm task (SlurmExecutor.status).
let report (spec: ExperimentSpec) (resultsRoot: string) (slurm: Map<string, string * string>) =
    let lines = ResizeArray<string>()
    let mutable counts = Map.empty

    for c in spec.Cells do
        let dir = Store.cellDir resultsRoot spec.Name c.Id

        let state, detail =
            match Store.state dir with
            | Plan.Finished -> "finished", ""
            | Plan.Pending -> "pending", ""
            | Plan.Failed r -> "failed", r
            | Plan.Interrupted ->
                match Store.readProgress dir with
                | Some(p, _) -> "interrupted", $"at it {p.Iteration}/{p.Iterations}; resumes from its last checkpoint"
                | None -> "interrupted", "resumes from its last checkpoint"
            | Plan.Running ->
                match Store.readProgress dir with
                | Some(p, _) when p.Iteration > 0 ->
                    // the rate of this attempt's own iterations (a resumed cell did not train the earlier ones now)
                    let eta =
                        Store.progressRate dir
                        |> Option.map (fun rate -> Display.duration (rate * float (p.Iterations - p.Iteration)))
                        |> Option.defaultValue "?"

                    "running", $"it {p.Iteration}/{p.Iterations}, loss {p.Loss:F4}, eta {eta}"
                | _ -> "running", "starting"

        let state, detail =
            match Map.tryFind c.Id slurm with
            | Some("running", task) -> "running", $"{task}, {detail}"
            | Some slurmState -> slurmState
            | None -> state, detail

        // a queued task's cell (or a requeued one) waits for its turn: pending in the counts
        let counted = if state = "queued" || state = "requeued" then "pending" else state
        counts <- counts |> Map.change counted (fun n -> Some(1 + Option.defaultValue 0 n))
        lines.Add($"  {c.Id}  {state, -9} {c.Row} seed {c.Seed}" + (if detail = "" then "" else $"  {detail}"))

    let n k = Map.tryFind k counts |> Option.defaultValue 0

    let head =
        sprintf "%s: %d/%d finished, %d running, %d failed, %d interrupted, %d pending" spec.Name (n "finished") spec.Cells.Length (n "running") (n "failed") (n "interrupted") (n "pending")

    head :: List.ofSeq lines

let run (args: ParseResults<Args>) : int =
    match SpecLoading.load (args.GetResult File) (args.GetResults Set) false with
    | Error code -> code
    | Ok spec ->
        let results = args.GetResult(Results, "results")
        let notes, slurm = SlurmExecutor.status spec results |> Option.defaultValue ([], Map.empty)

        for line in report spec results slurm @ notes do
            printfn "%s" line

        Cli.Exit.Ok
