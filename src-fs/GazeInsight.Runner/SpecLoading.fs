/// Loads an experiment file for a command, printing every problem (exit 2) on failure.
module GazeInsight.Runner.SpecLoading

open GazeInsight.Experiments

let load (file: string) (sets: string list) (checkFiles: bool) : Result<ExperimentSpec, int> =
    match Spec.load Spec.diskReader { Sets = sets; CheckFiles = checkFiles } file with
    | Ok spec -> Ok spec
    | Error errors -> Error(Cli.invalidInput (Spec.render errors))
