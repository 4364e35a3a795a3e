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

/// Runs `runner args` in `workDir` to completion (killed after `timeoutSeconds`).
let runWithTimeout (timeoutSeconds: int) (workDir: string) (args: string list) =
    let psi = ProcessStartInfo("dotnet")
    psi.ArgumentList.Add runnerDll

    for a in args do
        psi.ArgumentList.Add a

    psi.WorkingDirectory <- workDir
    psi.RedirectStandardOutput <- true
    psi.RedirectStandardError <- true
    psi.UseShellExecute <- false
    psi.Environment["CI"] <- "true"
    use p = Process.Start psi |> nonNull
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
