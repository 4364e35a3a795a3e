module GazeInsight.Runner.Program

[<EntryPoint>]
let main argv =
    eprintfn "runner: no commands yet"
    1
