/// `runner table FILE`: rebuilds an experiment's tables from stored results, without training.
module GazeInsight.Runner.Commands.Table

open System.IO
open System.Text
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
            | Set _ -> "override a key, as for sweep (the cells must match those that ran)."
            | Results _ -> "results folder (default: results)."

/// As writeTables, with the reader of a cell's stored result given: it is called once per
/// cell, up front; tables and plots are then built from the loaded values.
let writeTablesWith (read: Cell -> CellResult option) (spec: ExperimentSpec) (resultsRoot: string) =
    let dir = Store.experimentDir resultsRoot spec.Name
    let loaded = Tables.load spec read
    let results = Tables.lookup loaded
    let tables = spec.Tables |> List.map (fun t -> Tables.build spec t loaded)
    let all = StringBuilder()
    all.Append($"# {spec.Name}\n\n") |> ignore

    if spec.Description <> "" then
        all.Append(spec.Description).Append("\n\n") |> ignore

    for t in tables do
        let md = Render.markdown t
        Store.writeAtomic (Path.Combine(dir, t.Name + ".md")) md
        Store.writeAtomic (Path.Combine(dir, t.Name + ".tex")) (Render.latex spec.Name t)
        Store.writeAtomic (Path.Combine(dir, t.Name + ".csv")) (Render.csv t)
        all.Append($"## {t.Name}\n\n").Append(md) |> ignore

        let png = t.Name + "-dice.png"

        if Plots.dice spec (spec.Tables |> List.find (fun x -> x.Name = t.Name)) results (Path.Combine(dir, png)) then
            all.Append($"\n![Dice per case, per row]({png})\n") |> ignore

        all.Append('\n') |> ignore

    if Plots.curves spec results (Path.Combine(dir, "curves.png")) then
        all.Append("## training curves\n\n![Validation Dice per row](curves.png)\n") |> ignore

    let text = all.ToString()
    Store.writeAtomic (Path.Combine(dir, "table.md")) text
    text, dir

/// Writes results/<experiment>/table.md (every table) and <name>.md/.tex/.csv per table,
/// from the stored results (each read once); returns the Markdown of all tables and the folder.
let writeTables (spec: ExperimentSpec) (resultsRoot: string) =
    writeTablesWith (fun c -> Store.readResult (Store.cellDir resultsRoot spec.Name c.Id)) spec resultsRoot

let run (args: ParseResults<Args>) : int =
    match SpecLoading.load (args.GetResult File) (args.GetResults Set) false with
    | Error code -> code
    | Ok spec ->
        let root = args.GetResult(Results, "results")

        Cli.whenWritable [ Cli.writableFolder (Store.experimentDir root spec.Name) ]
        <| fun () ->
            let text, dir = writeTables spec root
            printf "%s" text
            printfn "written to %s/table.md (and <table>.md, .tex, .csv)" dir
            Cli.Exit.Ok
