/// The runner as a user runs it: a child process of runner.dll, its exit code and output.
module GazeInsight.Runner.Tests.RunnerProcess

open System
open System.Diagnostics
open System.IO
open Expecto

/// runner.dll next to this test assembly (the project references the runner).
let runnerDll = Path.Combine(AppContext.BaseDirectory, "runner.dll")

/// What one run of the runner left: exit code, standard output, standard error.
type RunOutcome =
    { ExitCode: int
      Out: string
      Err: string }

    /// Standard error's non-empty lines (a user's mistake must give exactly one).
    member r.ErrLines =
        r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries ||| StringSplitOptions.TrimEntries)

/// Starts `runner args` in `workDir` without waiting (for tests that signal or kill it).
/// The runner gets SIGINT's default handling (coreutils' `env --default-signal`): a test run
/// started in the background of a script inherits SIGINT ignored, and .NET keeps an ignored
/// SIGINT ignored, so a Ctrl-C test would otherwise see its signal vanish.
let start (workDir: string) (args: string list) =
    let psi = ProcessStartInfo("env")
    psi.ArgumentList.Add "--default-signal=INT"
    psi.ArgumentList.Add "dotnet"
    psi.ArgumentList.Add runnerDll

    for a in args do
        psi.ArgumentList.Add a

    psi.WorkingDirectory <- workDir
    psi.RedirectStandardOutput <- true
    psi.RedirectStandardError <- true
    psi.UseShellExecute <- false
    psi.Environment["CI"] <- "true"
    Process.Start psi |> nonNull

/// Runs `runner args` in `workDir` to completion (killed after `timeoutSeconds`).
let runWithTimeout (timeoutSeconds: int) (workDir: string) (args: string list) =
    use p = start workDir args
    let out = p.StandardOutput.ReadToEndAsync()
    let err = p.StandardError.ReadToEndAsync()

    if not (p.WaitForExit(timeoutSeconds * 1000)) then
        p.Kill true
        failtestf "runner %s did not finish in %d s" (String.Join(" ", args)) timeoutSeconds

    { ExitCode = p.ExitCode
      Out = out.Result
      Err = err.Result }

let run workDir args = runWithTimeout 120 workDir args

/// A fresh temporary folder, deleted on dispose.
type TempDir() =
    let path = Path.Combine(Path.GetTempPath(), "gi-runner-tests-" + Guid.NewGuid().ToString("N"))
    do Directory.CreateDirectory path |> ignore
    member _.Path = path
    member _.File(name: string) = Path.Combine(path, name)

    interface IDisposable with
        member _.Dispose() =
            try
                Directory.Delete(path, true)
            with _ ->
                ()

module private Native =
    [<Runtime.InteropServices.DllImport("libc", SetLastError = true)>]
    extern int kill(int pid, int signal)

/// Sends a POSIX signal (2 = SIGINT, as Ctrl-C; 15 = SIGTERM) to a process.
let signal (p: Process) (number: int) =
    if Native.kill (p.Id, number) <> 0 then
        failtestf "kill(%d, %d) failed" p.Id number

let private chattr (flag: string) (path: string) =
    use p = Process.Start(ProcessStartInfo("chattr", [ "-R"; flag; path ], RedirectStandardError = true)) |> nonNull
    let err = p.StandardError.ReadToEnd()
    p.WaitForExit()
    p.ExitCode, err

/// Makes a file or folder (and everything under it) unwritable for the test's life, even for
/// root (`chattr +i`: root ignores permission bits); undone on dispose.
type Immutable(path: string) =
    do
        match chattr "+i" path with
        | 0, _ -> ()
        | code, err -> failtestf "chattr +i %s failed (exit %d: %s): the file system must support immutable files" path code err

    interface IDisposable with
        member _.Dispose() = chattr "-i" path |> ignore

/// The expectations on a user's mistake: exit 2 and exactly one line on stderr naming `path`.
let expectOneLineNaming (r: RunOutcome) (path: string) =
    Expect.equal r.ExitCode 2 $"exit code (stdout: {r.Out}; stderr: {r.Err})"
    Expect.equal r.ErrLines.Length 1 $"one line on stderr, got:\n{r.Err}"
    Expect.stringContains r.ErrLines[0] path "names the path"
    Expect.isFalse (r.Err.Contains "   at ") "no stack trace"

/// A tiny synthetic data set (images, masks, splits, gaze maps, fixations.csv, descriptions)
/// generated in-process under `dir`; returns its root.
let tinyDataset (dir: string) =
    let options =
        GazeInsight.Imaging.Synthetic.SyntheticOptions(ImageSize = 32, TrainCount = 6, TestCount = 2)

    GazeInsight.Imaging.Synthetic.SyntheticDataset.Ensure(options, dir, null)

/// Copies a folder tree (to make a private, modifiable copy of a data set).
let rec copyTree (source: string) (target: string) =
    Directory.CreateDirectory target |> ignore

    for f in Directory.GetFiles source do
        File.Copy(f, Path.Combine(target, Path.GetFileName f |> nonNull))

    for d in Directory.GetDirectories source do
        copyTree d (Path.Combine(target, Path.GetFileName d |> nonNull))

/// A tiny experiment named "tiny" on the synthetic set (6 train + 2 test images of 32 px, 4
/// iterations), one cell per seed: for the fake engine, or a few seconds of real training.
let tinySpec (seeds: int list) =
    let seedList = String.Join(", ", seeds)

    $"""
name = "tiny"
seeds = [{seedList}]

[data]
source = "synthetic"

[data.synthetic]
train = 6
test = 2
size = 32

[method]
kind = "full"

[train]
iterations = 4
eval_every = 2
"""
