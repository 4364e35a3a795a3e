/// `runner cell <cell-dir>`: runs one cell in this process (the sweep's child processes).
module GazeInsight.Runner.Commands.Cell

open System
open System.Diagnostics
open System.Threading
open Argu
open GazeInsight.Experiments
open GazeInsight.Runner

type Args =
    | [<MainCommand; ExactlyOnce>] Dir of cell_dir: string
    | Engine of string
    | Parent_Pid of int

    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | Dir _ -> "cell folder holding config.toml."
            | Engine _ -> "torch (default) or fake[:delay=MS,fail=SEED,crash=SEED] (tests)."
            | Parent_Pid _ -> "stop (resumably) when this process is gone."

let private parentAlive (pid: int) =
    try
        not (Process.GetProcessById(pid).HasExited)
    with _ ->
        false

let run (args: ParseResults<Args>) : int =
    let dir = IO.Path.GetFullPath(args.GetResult Dir)

    match Engines.parse (args.GetResult(Engine, "torch")) with
    | Error e ->
        Cli.printError $"--engine: {e}"
        Cli.Exit.Usage
    | Ok engine ->
        use cts = new CancellationTokenSource()
        use _signals = Cli.stopOnSignals false cts

        // A child whose sweep was killed stops at its next iteration (it resumes later from
        // its checkpoint) instead of running on unobserved.
        use _watch =
            match args.TryGetResult Parent_Pid with
            | Some pid ->
                new Timer((fun _ -> if not (parentAlive pid) then cts.Cancel()), null, 500, 500)
            | None -> new Timer((fun _ -> ()), null, Timeout.Infinite, Timeout.Infinite)

        let sw = Stopwatch.StartNew()
        let mutable last = -1.0

        let progress =
            { new IProgress<Progress> with
                member _.Report p =
                    let t = sw.Elapsed.TotalSeconds

                    if t - last >= 0.2 || p.Iteration = p.Iterations || p.ValidationDice.IsSome then
                        last <- t
                        Console.Out.WriteLine(ChildExecutor.formatProgress p)
                        Console.Out.Flush() }

        // `runner status` and a waiting `sweep --executor slurm` probe a cell's lock by taking it
        // for an instant: a cell starting in that instant finds it held. Only a lock still held
        // a second later is another runner's (or a finished cell: nothing to retry).
        let rec attempt retries =
            match Execution.executeCell engine dir progress cts.Token with
            | Execution.Busy when retries > 0 && not cts.IsCancellationRequested && not (IO.File.Exists(IO.Path.Combine(dir, Store.MetricsFile))) ->
                Thread.Sleep 200
                attempt (retries - 1)
            | outcome -> outcome

        match attempt 5 with
        | Execution.Succeeded -> Cli.Exit.Ok
        | Execution.Busy ->
            eprintfn "cell %s is being run (or was finished) by another runner" dir
            ChildExecutor.BusyExit
        | Execution.Interrupted ->
            eprintfn "interrupted: %s resumes from its last checkpoint" dir
            ChildExecutor.InterruptedExit
        | Execution.Failed reason ->
            eprintfn "%s" reason
            Cli.Exit.RunsFailed
