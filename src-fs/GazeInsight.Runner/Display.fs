/// Live progress of a sweep: a Spectre.Console table on a terminal, plain lines otherwise
/// (CI, pipes, --plain), from the same events.
module GazeInsight.Runner.Display

open System
open System.Diagnostics
open GazeInsight.Experiments
open Spectre.Console

type private Progress = GazeInsight.Experiments.Progress

let private duration (s: float) =
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

type Running =
    { Cell: Cell
      Clock: Stopwatch
      mutable Last: Progress option
      mutable LastPrinted: float }

/// Sweep state shared by both displays.
type Tracker(total: int) =
    let running = Collections.Generic.Dictionary<string, Running>()
    let clock = Stopwatch.StartNew()
    let mutable already = 0
    let mutable pending = 0
    let mutable finished = 0
    let mutable failed = 0
    let mutable cellSeconds = []

    member _.Total = total
    member _.Done = already + finished
    member _.Failed = failed

    member _.Remaining = pending - finished - failed

    member _.Apply(e: Execution.SweepEvent) =
        match e with
        | Execution.Planned(_, d, p) ->
            already <- d
            pending <- p
        | Execution.Started c ->
            running[c.Id] <-
                { Cell = c
                  Clock = Stopwatch.StartNew()
                  Last = None
                  LastPrinted = 0.0 }
        | Execution.Progressed(c, p) ->
            match running.TryGetValue c.Id with
            | true, r -> r.Last <- Some p
            | _ -> ()
        | Execution.Finished(c, s) ->
            finished <- finished + 1
            cellSeconds <- s :: cellSeconds
            running.Remove c.Id |> ignore
        | Execution.CellFailed(c, _) ->
            failed <- failed + 1
            running.Remove c.Id |> ignore
        | Execution.Skipped(c, _) ->
            pending <- pending - 1
            running.Remove c.Id |> ignore

    member _.Running = running.Values |> List.ofSeq

    /// ETA of a running cell from its iteration rate.
    member _.CellEta(r: Running) =
        match r.Last with
        | Some p when p.Iteration > 0 ->
            let t = r.Clock.Elapsed.TotalSeconds
            t / float p.Iteration * float (p.Iterations - p.Iteration)
        | _ -> nan

    /// ETA of the sweep: mean finished-cell time x cells left (running cells count as half).
    member this.SweepEta(jobs: int) =
        match cellSeconds with
        | [] -> nan
        | xs -> List.average xs * float this.Remaining / float (max 1 jobs)

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
        | Execution.Planned(total, d, p) -> printfn "%d cells: %d finished already, %d to run" total d p
        | Execution.Started c -> printfn "%s start %s %s seed %d" (stamp ()) c.Id c.Row c.Seed
        | Execution.Progressed(c, _) ->
            for r in tracker.RunningCells do
                if r.Cell.Id = c.Id && r.Clock.Elapsed.TotalSeconds - r.LastPrinted >= 15.0 then
                    r.LastPrinted <- r.Clock.Elapsed.TotalSeconds
                    printfn "    %s %s, eta %s" c.Id (progressText r.Last) (duration (tracker.CellEta r))
        | Execution.Finished(c, s) ->
            printfn "%s done  %s %s seed %d in %s (sweep eta %s)" (stamp ()) c.Id c.Row c.Seed (duration s) (duration (tracker.SweepEta jobs))
        | Execution.CellFailed(c, reason) -> printfn "%s FAILED %s %s seed %d: %s" (stamp ()) c.Id c.Row c.Seed reason
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
