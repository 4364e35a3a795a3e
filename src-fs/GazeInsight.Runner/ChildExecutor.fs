/// Runs each cell in a child process (`runner cell <dir>`), so that a crash or an out-of-memory
/// kill in one cell is that cell's recorded failure and the sweep goes on.
module GazeInsight.Runner.ChildExecutor

open System
open System.Diagnostics
open System.Globalization
open System.IO
open System.Reflection
open System.Threading
open System.Threading.Tasks
open GazeInsight.Experiments

/// Exit code of `runner cell` when another process holds the cell's lock (EX_TEMPFAIL).
[<Literal>]
let BusyExit = 75

/// Exit code of `runner cell` (and `runner sweep`) when stopped on request: 128 + SIGINT.
[<Literal>]
let InterruptedExit = 130

module private Native =
    [<Runtime.InteropServices.DllImport("libc", SetLastError = true)>]
    extern int kill(int pid, int signal)

/// Asks a process to stop as Ctrl-C would (SIGINT); false where signals are not available.
let private interrupt (p: Process) =
    try
        not p.HasExited && (OperatingSystem.IsWindows() |> not) && Native.kill (p.Id, 2) = 0
    with _ ->
        false

/// The command that starts this same runner: the apphost itself, or `dotnet runner.dll`.
let selfCommand () : string * string list =
    let host = Environment.ProcessPath |> Option.ofObj |> Option.defaultValue "dotnet"

    if Path.GetFileNameWithoutExtension(host) = "dotnet" then
        let entry = Assembly.GetEntryAssembly() |> Option.ofObj |> Option.map _.Location |> Option.defaultValue ""
        host, [ entry ]
    else
        host, []

/// One progress line on the child's stdout: `@progress it iters loss validation`.
let formatProgress (p: Progress) =
    let f (v: float) = v.ToString("R", CultureInfo.InvariantCulture)
    let v = p.ValidationDice |> Option.map f |> Option.defaultValue "-"
    $"@progress {p.Iteration} {p.Iterations} {f p.Loss} {v}"

let parseProgress (line: string) : Progress option =
    match line.Split(' ') with
    | [| "@progress"; it; iters; loss; v |] ->
        let ok, i = Int32.TryParse it
        let ok2, n = Int32.TryParse iters
        let ok3, l = Double.TryParse(loss, NumberStyles.Float, CultureInfo.InvariantCulture)

        if ok && ok2 && ok3 then
            Some
                { Iteration = i
                  Iterations = n
                  Loss = l
                  ValidationDice =
                    match Double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture) with
                    | true, x -> Some x
                    | _ -> None }
        else
            None
    | _ -> None

let private describeExit (code: int) =
    match code with
    | 137 -> "the process was killed (exit 137, SIGKILL: out of memory?)"
    | 134 -> "the process aborted (exit 134, SIGABRT: a native crash?)"
    | 139 -> "the process crashed (exit 139, SIGSEGV)"
    | c -> $"the process exited with code {c}"

/// An executor that starts `command args... cell <dir> --engine <engine> --parent-pid <pid>`.
let executor (command: string * string list) (engine: string) : Execution.Executor =
    fun cell dir progress ct ->
        task {
            let file, prefix = command
            let psi = ProcessStartInfo(file)

            for a in prefix @ [ "cell"; dir; "--engine"; engine; "--parent-pid"; string Environment.ProcessId ] do
                psi.ArgumentList.Add a

            psi.RedirectStandardOutput <- true
            psi.RedirectStandardError <- true
            psi.UseShellExecute <- false
            use p = new Process(StartInfo = psi)
            let stderrTail = Collections.Generic.Queue<string>()

            p.OutputDataReceived.Add(fun e ->
                match e.Data with
                | null -> ()
                | line ->
                    match parseProgress line with
                    | Some pr -> progress.Report pr
                    | None -> ())

            p.ErrorDataReceived.Add(fun e ->
                match e.Data with
                | null -> ()
                | line ->
                    lock stderrTail (fun () ->
                        stderrTail.Enqueue line

                        if stderrTail.Count > 20 then
                            stderrTail.Dequeue() |> ignore))

            p.Start() |> ignore
            p.BeginOutputReadLine()
            p.BeginErrorReadLine()
            // On cancellation the child is asked to stop as Ctrl-C asks it (a terminal's Ctrl-C
            // reached it already; a SIGINT sent to the sweep alone did not); it stops at its next
            // iteration, and is only killed if it does not stop within 30 s.
            use _ =
                ct.Register(fun () ->
                    interrupt p |> ignore
                    Task.Delay(30000).ContinueWith(fun (_: Task) -> try p.Kill true with _ -> ()) |> ignore)

            do! p.WaitForExitAsync()

            let code = p.ExitCode

            return
                if code = 0 && File.Exists(Path.Combine(dir, Store.MetricsFile)) then
                    Execution.Succeeded
                elif code = BusyExit then
                    Execution.Busy
                elif code = InterruptedExit || (ct.IsCancellationRequested && code <> 0 && code <> 3) then
                    // stopped because we asked (killed after the grace period included): not a failure
                    Execution.Interrupted
                else
                    match Store.readFailure dir with
                    | Some reason when code = 3 -> Execution.Failed reason
                    | _ ->
                        let last =
                            lock stderrTail (fun () -> stderrTail |> Seq.filter (fun l -> l.Trim() <> "") |> Seq.tryLast)

                        let reason =
                            match last with
                            | Some l -> $"{describeExit code}: {l.Trim()}"
                            | None -> describeExit code

                        Store.writeFailure dir reason
                        Execution.Failed reason
        }
