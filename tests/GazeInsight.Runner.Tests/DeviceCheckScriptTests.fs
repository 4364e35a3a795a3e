/// scripts/device-check.sh --local: the sequence a GPU session runs (check-device, the timed FGI
/// step once per precision and layout option, the PyTorch reference, data generation, a short FGI cell), here on the CPU with the
/// normal build, so that the script itself is known to work before a device is lent.
module GazeInsight.Runner.Tests.DeviceCheckScriptTests

open System
open System.Diagnostics
open System.IO
open Expecto
open GazeInsight.Runner.Tests.RunnerProcess

let private repoRoot =
    let rec up (d: DirectoryInfo | null) =
        match d with
        | null -> failwith "no GazeInsight.sln above the test binaries"
        | d when File.Exists(Path.Combine(d.FullName, "GazeInsight.sln")) -> d.FullName
        | d -> up d.Parent

    up (DirectoryInfo AppContext.BaseDirectory)

[<Tests>]
let tests =
    testList
        "device-check.sh"
        [ test "--local runs every step on the CPU and writes a summary whose steps all passed" {
              use dir = new TempDir()
              let psi = ProcessStartInfo("bash")
              psi.ArgumentList.Add(Path.Combine(repoRoot, "scripts", "device-check.sh"))
              psi.ArgumentList.Add "--local"
              psi.WorkingDirectory <- repoRoot
              psi.Environment["OUT"] <- dir.Path
              psi.RedirectStandardOutput <- true
              psi.RedirectStandardError <- true
              use p = Process.Start psi |> nonNull
              let out = p.StandardOutput.ReadToEndAsync()
              let err = p.StandardError.ReadToEndAsync()

              if not (p.WaitForExit(900_000)) then
                  p.Kill true
                  failtest "device-check.sh --local did not finish in 15 minutes"

              Expect.equal p.ExitCode 0 $"exit code; stdout:\n{out.Result}\nstderr:\n{err.Result}"
              let summary = File.ReadAllText(Path.Combine(dir.Path, "summary.txt"))

              let benchSteps = [ "bench-ours-fp32"; "bench-ours-bf16"; "bench-ours-fp32-cl"; "bench-ours-bf16-cl" ]

              for stepName in [ "check-device" ] @ benchSteps @ [ "bench-pytorch"; "generate-data"; "train-fgi" ] do
                  Expect.stringContains summary $"[ok]   {stepName}" $"step {stepName} passed"

              for precision, layout in [ "fp32", "contiguous"; "bf16", "contiguous"; "fp32", "channels-last"; "bf16", "channels-last" ] do
                  Expect.stringContains summary $"threads), {precision}, {layout}," $"our timed step in {precision}, {layout}"

              Expect.stringContains summary "fp32 forward/backward: ok" "check-device's tiny step"
              Expect.stringContains summary "FGI train step on cpu" "our timed step"
              Expect.stringContains summary "RESULT pytorch" "the PyTorch reference in the same call"
              Expect.stringContains summary "| base |" "the short cell's table (its student row)"
              Expect.stringContains summary "all steps passed" "closing line"
          } ]
