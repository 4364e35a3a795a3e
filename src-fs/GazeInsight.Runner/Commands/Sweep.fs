/// `runner sweep FILE`: run every cell of an experiment that is not finished yet.
module GazeInsight.Runner.Commands.Sweep

open System
open Argu
open GazeInsight.Experiments
open GazeInsight.Runner

type Args =
    | [<MainCommand; ExactlyOnce>] File of experiment_toml: string
    | Dry_Run
    | Set of key_value: string
    | [<AltCommandLine("-j")>] Jobs of int
    | Results of dir: string
    | Device of string
    | Cache of dir: string
    | Plain
    | [<Hidden>] Engine of string

    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | File _ -> "experiment file (TOML)."
            | Dry_Run -> "list the cells (id, row, seed, differences from the base) and run nothing."
            | Set _ -> "override a key, e.g. --set train.iterations=200 (repeatable)."
            | Jobs _ -> "cells run in parallel (default 1)."
            | Results _ -> "results folder (default: results); cells go to <dir>/<experiment>/<cell-id>/."
            | Device _ -> "auto, cpu, cuda or cuda:N (overrides [runtime] device)."
            | Cache _ -> "cache folder for generated data (default: .cache at the repository root)."
            | Plain -> "plain progress lines even on a terminal."
            | Engine _ -> "torch (default) or fake (tests: instant synthetic results)."

let private dryRun (spec: ExperimentSpec) =
    let baseDir = Toml.dirOf spec.File
    let reference = Plan.reference spec
    printfn "%s: %d cells (%d seeds x %d variants%s)" spec.Name spec.Cells.Length spec.Seeds.Length spec.Variants.Length
        (spec.Axes |> List.map (fun a -> $" x {a.Values.Length} {a.Key}") |> String.concat "")

    for c in spec.Cells do
        let diffs =
            match reference with
            | Some r -> Plan.differences baseDir r c.Config
            | None -> []

        let shown =
            if diffs.IsEmpty then "(as the base)"
            else String.Join(", ", diffs |> List.map (fun (k, v) -> $"{k}={v}"))

        printfn "  %s  %-28s seed %-3d %s" c.Id c.Row c.Seed shown

let run (args: ParseResults<Args>) : int =
    let file = args.GetResult File
    let sets = args.GetResults Set
    let dry = args.Contains Dry_Run

    match SpecLoading.load file sets (not dry) with
    | Error code -> code
    | Ok spec ->
        if dry then
            dryRun spec
            Cli.Exit.Ok
        else
            Cli.printError "sweep execution is not wired yet (use --dry-run)"
            Cli.Exit.Usage
