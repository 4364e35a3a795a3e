/// `runner report FILE`: the HTML results report of an experiment or a paper file, from stored
/// results only, at results/<name>/report/index.html.
module GazeInsight.Runner.Commands.ReportCommand

open System.IO
open Argu
open GazeInsight.Experiments
open GazeInsight.Runner

type Args =
    | [<MainCommand; ExactlyOnce>] File of toml: string
    | Set of ``key=value``: string
    | Results of dir: string
    | Cache of dir: string
    | Row of name: string
    | Gallery of cases: int

    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | File _ -> "experiment or paper file (TOML)."
            | Set _ -> "override a key, as given to sweep."
            | Results _ -> "results folder (default: results)."
            | Cache _ -> "cache folder of generated data (default: as sweep)."
            | Row _ -> "the gallery's row (default: the first row of the first table)."
            | Gallery _ -> "at most this many cases in a gallery, the worst by Dice (default 40)."

/// The cache folder as `sweep` finds it: --cache, $GAZEINSIGHT_CACHE, .cache at the repository root.
let private cache (args: ParseResults<Args>) (spec: ExperimentSpec) =
    match args.TryGetResult Cache with
    | Some d -> Path.GetFullPath d
    | None -> Sweep.cacheDir (ArgumentParser.Create<Sweep.Args>().Parse([| spec.File |])) spec

let run (args: ParseResults<Args>) : int =
    let file = args.GetResult File
    let root = args.GetResult(Results, "results")
    let limit = args.GetResult(Gallery, 40)

    let options (spec: ExperimentSpec) : Report.Options =
        { ResultsRoot = root
          CacheDir = cache args spec
          GalleryRow = args.TryGetResult Row
          GalleryLimit = limit }

    if limit < 1 then
        Cli.printError $"--gallery: must be at least 1, got {limit}"
        Cli.Exit.Usage
    elif PaperCommand.isPaperFile file then
        match PaperCommand.load file (args.GetResults Set) false with
        | Error code -> code
        | Ok(paper, experiments) ->
            Cli.whenWritable [ Cli.writableFolder (Path.Combine(Store.experimentDir root paper.Name, "report")) ]
            <| fun () ->
                let data = PaperCommand.loadResults experiments root
                let path = Report.writePaper paper experiments data (options (snd experiments.Head))
                printfn "report: %s" path
                Cli.Exit.Ok
    else
        match SpecLoading.load file (args.GetResults Set) false with
        | Error code -> code
        | Ok spec ->
            Cli.whenWritable [ Cli.writableFolder (Path.Combine(Store.experimentDir root spec.Name, "report")) ]
            <| fun () ->
                let path = Report.writeExperiment spec (options spec)
                printfn "report: %s" path
                Cli.Exit.Ok
