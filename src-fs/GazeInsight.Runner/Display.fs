/// Live progress of a sweep: a Spectre.Console table on a terminal, plain lines otherwise
/// (CI, pipes, --plain), from the same events.
module GazeInsight.Runner.Display

open System
open System.Diagnostics
open GazeInsight.Experiments
open Spectre.Console

type private Progress = GazeInsight.Experiments.Progress

let duration (s: float) =
    if Double.IsNaN s || Double.IsInfinity s || s < 0.0 then "?"
    elif s < 60.0 then $"{s:F0}s"
    elif s < 3600.0 then $"{int s / 60}m{int s % 60:D2}s"
    else $"{int s / 3600}h{(int s % 3600) / 60:D2}m"

/// Whether to draw live: a terminal, not CI, not asked for plain.
let interactive (plain: bool) =
    not plain
    && not Console.IsOutputRedirected
    && String.IsNullOrEmpty(Environment.GetEnvironmentVariable "CI")
    && AnsiConsole.Profile.Capabilities.Interactive

/// Seconds per iteration of one attempt at a cell, measured from its own progress reports only
/// (a resumed cell's earlier iterations and its start-up do not count), smoothed: the rate of
/// each window of at least `window` seconds enters an exponential moving average.
type RateMeter(window: float) =
    let mutable anchor: (int * float) option = None
    let mutable rate = nan

    member _.SecondsPerIteration = rate

    /// Records that `iteration` was reached `seconds` after the attempt started.
    member _.Observe(iteration: int, seconds: float) =
        match anchor with
        | None -> anchor <- Some(iteration, seconds)
        | Some(it0, t0) when iteration > it0 && seconds - t0 >= window ->
            let sample = (seconds - t0) / float (iteration - it0)
            rate <- if Double.IsNaN rate then sample else 0.7 * rate + 0.3 * sample
            anchor <- Some(iteration, seconds)
        | Some _ -> ()

type Running =
    { Cell: Cell
      Clock: Stopwatch
      Rate: RateMeter
      mutable Last: Progress option
      mutable LastPrinted: float }

/// Sweep state shared by both displays.
type Tracker(total: int) =
    let running = Collections.Generic.Dictionary<string, Running>()
    let queued = Collections.Generic.Dictionary<string, Cell>()
    let clock = Stopwatch.StartNew()
    let mutable already = 0
    let mutable finished = 0
    let mutable failed = 0
    let mutable interrupted = 0
    /// Seconds of the cells this run finished, by row (cells of one row differ by seed only).
    let secondsByRow = Collections.Generic.Dictionary<string, ResizeArray<float>>()
    /// Seconds per iteration of the cells this run finished, any row.
    let finishedRates = ResizeArray<float>()

    member _.Total = total
    member _.Done = already + finished
    member _.Failed = failed
    member _.Remaining = queued.Count + running.Count

    member _.Apply(e: Execution.SweepEvent) =
        match e with
        | Execution.Planned(_, d, pending) ->
            already <- d

            for c in pending do
                queued[c.Id] <- c
        | Execution.Started c ->
            queued.Remove c.Id |> ignore

            running[c.Id] <-
                { Cell = c
                  Clock = Stopwatch.StartNew()
                  Rate = RateMeter(2.0)
                  Last = None
                  LastPrinted = 0.0 }
        | Execution.Progressed(c, p) ->
            match running.TryGetValue c.Id with
            | true, r ->
                r.Last <- Some p
                r.Rate.Observe(p.Iteration, r.Clock.Elapsed.TotalSeconds)
            | _ -> ()
        | Execution.Finished(c, s) ->
            finished <- finished + 1

            match secondsByRow.TryGetValue c.Row with
            | true, xs -> xs.Add s
            | _ -> secondsByRow[c.Row] <- ResizeArray [ s ]

            finishedRates.Add(s / float (max 1 c.Config.Train.Iterations))

            running.Remove c.Id |> ignore
        | Execution.CellFailed(c, _) ->
            failed <- failed + 1
            running.Remove c.Id |> ignore
        | Execution.CellInterrupted c ->
            interrupted <- interrupted + 1
            running.Remove c.Id |> ignore
        | Execution.Skipped(c, _) -> running.Remove c.Id |> ignore

    member _.Running = running.Values |> List.ofSeq

    /// Measured seconds per iteration of the running cells of a row (all rows: None).
    member private _.RunningRates(row: string option) =
        running.Values
        |> Seq.filter (fun r -> (row.IsNone || row = Some r.Cell.Row) && not (Double.IsNaN r.Rate.SecondsPerIteration))
        |> Seq.map _.Rate.SecondsPerIteration
        |> List.ofSeq

    /// How long a cell takes from start to results: the mean of the finished cells of its row;
    /// else its iterations at the rate measured for its row; else at the mean rate measured for
    /// any cell; else nan.
    member this.ExpectedSeconds(c: Cell) =
        let iterations = float c.Config.Train.Iterations

        match secondsByRow.TryGetValue c.Row with
        | true, xs when xs.Count > 0 -> Seq.average xs
        | _ ->
            match this.RunningRates(Some c.Row) with
            | r :: _ -> r * iterations
            | [] ->
                match this.RunningRates None @ List.ofSeq finishedRates with
                | [] -> nan
                | rates -> List.average rates * iterations

    /// ETA of a running cell: its iterations left at the rate measured in this attempt; before
    /// there is a rate, what a finished cell of its row took, less the time already spent.
    member this.CellEta(r: Running) =
        match r.Last with
        | Some p when not (Double.IsNaN r.Rate.SecondsPerIteration) ->
            r.Rate.SecondsPerIteration * float (p.Iterations - p.Iteration)
        | _ -> max 0.0 (this.ExpectedSeconds r.Cell - r.Clock.Elapsed.TotalSeconds)

    /// ETA of the sweep: the running cells' ETAs plus the expected time of every queued cell,
    /// shared over the workers; nan while any of them has no estimate yet.
    member this.SweepEta(jobs: int) =
        let work =
            Seq.append (running.Values |> Seq.map this.CellEta) (queued.Values |> Seq.map this.ExpectedSeconds)
            |> List.ofSeq

        if work.IsEmpty then 0.0 else List.sum work / float (max 1 (min jobs work.Length))

    member _.Elapsed = clock.Elapsed.TotalSeconds

    member internal _.RunningCells = running.Values

let private progressText (p: Progress option) =
    match p with
    | None -> "starting"
    | Some p ->
        let v = p.ValidationDice |> Option.map (fun v -> $", val dice {v:F3}") |> Option.defaultValue ""
        $"it {p.Iteration}/{p.Iterations}, loss {p.Loss:F4}{v}"

/// Plain lines: one per start/finish/failure, and a progress line per running cell at most
/// every 15 s.
let plain (tracker: Tracker) (jobs: int) : Execution.SweepEvent -> unit =
    fun e ->
        tracker.Apply e

        let stamp () =
            $"[{tracker.Done}/{tracker.Total} done, {tracker.Failed} failed]"

        match e with
        | Execution.Planned(total, d, p) -> printfn "%d cells: %d finished already, %d to run" total d p.Length
        | Execution.Started c -> printfn "%s start %s %s seed %d" (stamp ()) c.Id c.Row c.Seed
        | Execution.Progressed(c, _) ->
            for r in tracker.RunningCells do
                if r.Cell.Id = c.Id && r.Clock.Elapsed.TotalSeconds - r.LastPrinted >= 15.0 then
                    r.LastPrinted <- r.Clock.Elapsed.TotalSeconds
                    printfn "    %s %s, eta %s" c.Id (progressText r.Last) (duration (tracker.CellEta r))
        | Execution.Finished(c, s) ->
            printfn "%s done  %s %s seed %d in %s (sweep eta %s)" (stamp ()) c.Id c.Row c.Seed (duration s) (duration (tracker.SweepEta jobs))
        | Execution.CellFailed(c, reason) -> printfn "%s FAILED %s %s seed %d: %s" (stamp ()) c.Id c.Row c.Seed reason
        | Execution.CellInterrupted c -> printfn "%s interrupted %s %s seed %d (resumes from its last checkpoint)" (stamp ()) c.Id c.Row c.Seed
        | Execution.Skipped(c, reason) -> printfn "%s skip  %s %s seed %d: %s" (stamp ()) c.Id c.Row c.Seed reason

/// The live table's contents.
let render (tracker: Tracker) (jobs: int) : Rendering.IRenderable =
    let t = Table().Border(TableBorder.Rounded)
    t.AddColumns("cell", "row", "seed", "progress", "eta") |> ignore

    for r in tracker.RunningCells do
        t.AddRow(r.Cell.Id, Markup.Escape r.Cell.Row, string r.Cell.Seed, Markup.Escape(progressText r.Last), duration (tracker.CellEta r))
        |> ignore

    let header =
        Markup(
            $"[bold]{tracker.Done}[/]/{tracker.Total} done, [red]{tracker.Failed}[/] failed, {tracker.Remaining} remaining; elapsed {duration tracker.Elapsed}, eta {duration (tracker.SweepEta jobs)}"
        )

    Rows(header :> Rendering.IRenderable, t :> Rendering.IRenderable)
