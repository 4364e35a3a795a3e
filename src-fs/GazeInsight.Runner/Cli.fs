/// Shared conventions of every `runner` command: exit codes and the one-line error format.
module GazeInsight.Runner.Cli

/// Exit codes of every command (style.md).
[<RequireQualifiedAccess>]
module Exit =
    [<Literal>]
    let Ok = 0

    [<Literal>]
    let Usage = 1

    [<Literal>]
    let InvalidInput = 2

    [<Literal>]
    let RunsFailed = 3

/// Prints `error: <message>` to stderr; the message is already `file:place: problem`.
let printError (message: string) = eprintfn "error: %s" message

/// Prints every message (one line each) and returns exit code 2.
let invalidInput (messages: string seq) =
    for m in messages do
        printError m

    Exit.InvalidInput
