module GazeInsight.Runner.Tests.ReportTests

open System
open System.Diagnostics
open System.IO
open System.Text.RegularExpressions
open Expecto
open GazeInsight.Runner.Tests.RunnerProcess

let private experiment (name: string) (seed: int) =
    $"""
name = "{name}"
seeds = [0, 1]

[data]
source = "synthetic"
image_size = 32

[data.synthetic]
train = 6
test = 5
size = 32
seed = {seed}

[method]
kind = "full"

[train]
iterations = 20
eval_every = 10

[[variant]]
name = "full"
description = "upper bound"

[[variant]]
name = "gaze"
method = {{ kind = "gaze", threshold = 0.5 }}
"""

let private paper =
    """
name = "tiny-paper"

[[dataset]]
name = "a"
label = "Set A"
file = "a.toml"

[[dataset]]
name = "b"
label = "Set B"
file = "b.toml"

[[table]]
name = "main"
rows = ["full", "gaze"]
baseline = "full"
"""

/// Runs headless Chromium (the Debian package) on a file and returns its exit code, stdout
/// (the DOM with --dump-dom) and stderr; the process is ours and killed by pid on a timeout.
let private chromium (args: string list) =
    let psi = ProcessStartInfo("chromium")

    for a in [ "--headless"; "--no-sandbox"; "--disable-gpu"; "--no-first-run"; "--virtual-time-budget=5000" ] @ args do
        psi.ArgumentList.Add a

    psi.RedirectStandardOutput <- true
    psi.RedirectStandardError <- true
    psi.UseShellExecute <- false
    use p = Process.Start psi |> nonNull
    let out = p.StandardOutput.ReadToEndAsync()
    let err = p.StandardError.ReadToEndAsync()

    if not (p.WaitForExit 90_000) then
        p.Kill true
        failtest "chromium did not finish in 90 s"

    p.ExitCode, out.Result, err.Result

[<Tests>]
let tests =
    testList
        "runner report"
        [ test "the report of a tiny paper sweep renders in headless Chromium: tables, every image decoded, no script error" {
              use dir = new TempDir()
              File.WriteAllText(dir.File "a.toml", experiment "set-a" 0)
              File.WriteAllText(dir.File "b.toml", experiment "set-b" 1)
              File.WriteAllText(dir.File "paper.toml", paper)
              let results = dir.File "results"
              let cache = dir.File "cache"
              let s = run dir.Path [ "sweep"; "paper.toml"; "--results"; results; "--engine"; "fake"; "--plain" ]
              Expect.equal s.ExitCode 0 $"sweep ({s.Err})"
              let r = run dir.Path [ "report"; "paper.toml"; "--results"; results; "--cache"; cache ]
              Expect.equal r.ExitCode 0 $"report ({r.Out} {r.Err})"
              let html = Path.Combine(results, "tiny-paper", "report", "index.html")
              Expect.isTrue (File.Exists html) "index.html"
              let text = File.ReadAllText html
              Expect.isFalse (Regex.IsMatch(text, "(src|href)=\"(https?:|//)")) "nothing is fetched from the network"
              let md = File.ReadAllText(Path.Combine(results, "tiny-paper", "main.md"))
              let fullDice = Regex.Match(md, @"\| full \(baseline\) \| \*\*([0-9.]+ ± [0-9.]+)\*\*").Groups[1].Value
              Expect.isNotEmpty fullDice "a value of the cross table"

              let code, dom, err = chromium [ "--user-data-dir=" + dir.File "chromium-profile"; "--dump-dom"; "file://" + html ]
              Expect.equal code 0 $"chromium exit code ({err})"
              Expect.stringContains dom fullDice "the DOM shows the table's value"
              Expect.stringContains dom "Set A" "the column group"
              Expect.stringContains dom "set-a: per-case gallery" "a gallery per experiment"
              let decoded = Regex.Match(dom, "data-images-decoded=\"([0-9]+)/([0-9]+)\"")
              Expect.isTrue decoded.Success $"the page's script ran (body data attributes) in:\n{dom.Substring(0, min 400 dom.Length)}"
              let ok, total = int decoded.Groups[1].Value, int decoded.Groups[2].Value
              // 2 experiments x (a box plot, the curves, 5 cases x (overlay + gaze)) = 24
              Expect.equal total 24 "every plot and gallery image is in the page"
              Expect.equal ok total "every image decodes"
              Expect.stringContains dom "data-errors=\"0\"" "no script error"

              let shot = dir.File "first-screen.png"
              let code, _, err = chromium [ "--user-data-dir=" + dir.File "chromium-profile"; "--window-size=1200,900"; "--screenshot=" + shot; "file://" + html ]
              Expect.equal code 0 $"screenshot ({err})"
              let bytes = File.ReadAllBytes shot
              Expect.equal bytes[0..3] [| 0x89uy; 0x50uy; 0x4Euy; 0x47uy |] "a PNG screenshot"

              match Environment.GetEnvironmentVariable "GI_REPORT_SCREENSHOTS" with
              | null
              | "" -> ()
              | keep ->
                  Directory.CreateDirectory keep |> ignore
                  File.Copy(shot, Path.Combine(keep, "first-screen.png"), true)
                  File.Copy(html, Path.Combine(keep, "index.html"), true)
          }

          test "report of an experiment that has not run shows its cells as pending and says the gallery is empty" {
              use dir = new TempDir()
              File.WriteAllText(dir.File "a.toml", experiment "set-a" 0)
              let r = run dir.Path [ "report"; "a.toml"; "--results"; dir.File "results"; "--cache"; dir.File "cache" ]
              Expect.equal r.ExitCode 0 $"report ({r.Err})"
              let text = File.ReadAllText(Path.Combine(dir.File "results", "set-a", "report", "index.html"))
              Expect.equal (Regex.Matches(text, "class=\"state-pending\"").Count) 4 "four pending cells"
              Expect.stringContains text "has no finished cell yet" "empty gallery explained"
          }

          test "--gallery 0 is a usage error naming the option" {
              use dir = new TempDir()
              File.WriteAllText(dir.File "a.toml", experiment "set-a" 0)
              let r = run dir.Path [ "report"; "a.toml"; "--gallery"; "0" ]
              Expect.equal r.ExitCode 1 "usage"
              Expect.stringContains r.Err "--gallery" r.Err
          } ]
