module GazeInsight.Runner.Commands.Cell

open Argu
open GazeInsight.Runner

type Args =
    | [<MainCommand; ExactlyOnce>] File of path: string

    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | File _ -> "experiment file (TOML) or cell folder."

let run (_: ParseResults<Args>) : int =
    Cli.printError "Cell: not implemented yet"
    Cli.Exit.Usage
