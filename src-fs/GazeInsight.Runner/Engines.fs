/// Which engine a cell runs with: the real one, or the fake one for tests.
module GazeInsight.Runner.Engines

open GazeInsight.Experiments

let parse (text: string) : Result<Execution.Engine, string> =
    if text = "torch" then Ok TorchEngine.engine
    else FakeEngine.parse text |> Result.map FakeEngine.engine
