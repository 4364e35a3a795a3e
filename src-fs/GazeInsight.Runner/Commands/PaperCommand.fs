/// `runner table PAPER.toml` and `runner sweep PAPER.toml`: a paper file names experiment
/// files as data sets; `table` builds its cross-data-set tables from stored results only,
/// `sweep` first sweeps every named experiment (each as `runner sweep FILE` would).
module GazeInsight.Runner.Commands.PaperCommand

open System.IO
open System.Text
open Argu
open GazeInsight.Experiments
open GazeInsight.Runner

/// True when the file is a TOML document declaring [[dataset]]s. A file that cannot be read or
/// parsed is not one: the experiment loader then reports the problem at its place.
let isPaperFile (file: string) =
    match Spec.diskReader (Path.GetFullPath file) with
    | Ok text ->
        match Toml.parse file text with
        | Ok doc -> Paper.isPaper doc
        | Error _ -> false
    | Error _ -> false

/// Loads the paper and its experiments, printing every problem (exit 2) on failure.
let load (file: string) (sets: string list) (checkFiles: bool) =
    match Paper.load Spec.diskReader { Sets = sets; CheckFiles = checkFiles } file with
    | Ok loaded -> Ok loaded
    | Error errors -> Error(Cli.invalidInput (Spec.render errors))

/// What the cross tables need from the store: each experiment's finished results (each cell
/// read once) and the state of its other cells.
let loadResults (experiments: (Paper.DatasetRef * ExperimentSpec) list) (resultsRoot: string) : PaperTables.DatasetResults list =
    [ for d, spec in experiments do
          let dirOf (c: Cell) = Store.cellDir resultsRoot spec.Name c.Id
          let results = Tables.load spec (fun c -> Store.readResult (dirOf c))

          let states =
              spec.Cells
              |> List.distinctBy _.Id
              |> List.filter (fun c -> not (results.ContainsKey c.Id))
              |> List.map (fun c -> c.Id, Store.state (dirOf c))
              |> Map.ofList

          yield
              { Dataset = d
                Spec = spec
                Results = results
                States = states } ]

/// Writes results/<paper>/<table>.md/.tex/.csv and paper.md (every table); returns the
/// Markdown and the folder.
let writeTables (paper: Paper.PaperSpec) (data: PaperTables.DatasetResults list) (resultsRoot: string) =
    let dir = Store.experimentDir resultsRoot paper.Name
    let all = StringBuilder()
    all.Append($"# {paper.Name}\n\n") |> ignore

    if paper.Description <> "" then
        all.Append(paper.Description).Append("\n\n") |> ignore

    for spec in paper.Tables do
        let t = PaperTables.build paper spec data
        let md = PaperRender.markdown t
        Store.writeAtomic (Path.Combine(dir, t.Name + ".md")) md
        Store.writeAtomic (Path.Combine(dir, t.Name + ".tex")) (PaperRender.latex paper.Name t)
        Store.writeAtomic (Path.Combine(dir, t.Name + ".csv")) (PaperRender.csv t)
        all.Append($"## {t.Name}\n\n").Append(md).Append('\n') |> ignore

    let text = all.ToString()
    Store.writeAtomic (Path.Combine(dir, "paper.md")) text
    text, dir

let table (args: ParseResults<Table.Args>) : int =
    match load (args.GetResult Table.File) (args.GetResults Table.Set) false with
    | Error code -> code
    | Ok(paper, experiments) ->
        let root = args.GetResult(Table.Results, "results")

        Cli.whenWritable [ Cli.writableFolder (Store.experimentDir root paper.Name) ]
        <| fun () ->
            let text, dir = writeTables paper (loadResults experiments root) root
            printf "%s" text
            printfn "written to %s/paper.md (and <table>.md, .tex, .csv)" dir
            Cli.Exit.Ok

/// Sweeps every experiment of the paper in order (an interruption stops at once; a failed
/// cell does not stop the others), then writes the cross tables.
let sweep (args: ParseResults<Sweep.Args>) : int =
    let dry = args.Contains Sweep.Dry_Run

    match load (args.GetResult Sweep.File) (args.GetResults Sweep.Set) (not dry) with
    | Error code -> code
    | Ok(paper, experiments) ->
        let specs = experiments |> List.map snd

        match specs |> List.choose (fun s -> match Sweep.deviceFor args s with Error e -> Some e | Ok _ -> None) with
        | _ :: _ as problems -> Cli.invalidInput (List.distinct problems)
        | [] when dry ->
            specs
            |> List.map (fun s ->
                Sweep.dryRun s
                Sweep.preflight true s |> Option.defaultValue Cli.Exit.Ok)
            |> List.max
        | [] ->
            // every data set's data is checked before the first cell of the first one starts
            match specs |> List.choose (Sweep.preflight false) with
            | code :: _ -> code
            | [] ->
                let root = args.GetResult(Sweep.Results, "results")

                Cli.whenWritable [ Cli.writableFolder (Store.experimentDir root paper.Name) ]
                <| fun () ->
                    let rec each (specs: ExperimentSpec list) (worst: int) =
                        match specs with
                        | [] -> worst
                        | spec :: rest ->
                            let device =
                                match Sweep.deviceFor args spec with
                                | Ok d -> d
                                | Error e -> failwith e // checked above

                            match Sweep.execute args spec device with
                            | ChildExecutor.InterruptedExit -> ChildExecutor.InterruptedExit
                            | code -> each rest (max worst code)

                    let code = each specs Cli.Exit.Ok

                    if code = ChildExecutor.InterruptedExit then
                        code
                    else
                        let text, dir = writeTables paper (loadResults experiments root) root
                        printfn "\n%s" text
                        printfn "%s: cross tables in %s/paper.md (and <table>.md, .tex, .csv)" paper.Name dir
                        code
