/// The Slurm job script, the index -> cell file and what sbatch/squeue print (pure), and the
/// `[runtime.slurm]` keys as the spec reads them.
module GazeInsight.Runner.Tests.SlurmArrayTests

open Expecto
open GazeInsight.Experiments
open GazeInsight.Runner.SlurmArray

let private job (resources: SlurmSpec) =
    { JobName = "gi-tiny"
      Resources = resources
      Cells = [ "/shared/results/tiny/aaaa"; "/shared/results/tiny/bbbb"; "/shared/results/tiny/cccc" ]
      CellsFile = "/shared/results/tiny/slurm/submit-001.cells"
      LogDir = "/shared/results/tiny/slurm/logs"
      Runner = [ "/opt/dotnet/dotnet"; "/shared/GazeInsight/runner.dll" ]
      CellArgs = [ "--engine"; "torch" ] }

let private lines (text: string) = text.Split('\n') |> List.ofArray

/// An experiment file with `runtime` as its [runtime] section, loaded from memory.
let private load (runtime: string) =
    let text =
        RunnerProcess.tinySpec [ 0 ] + "\n" + runtime

    Spec.load (fun _ -> Ok text) { Spec.defaultOptions with CheckFiles = false } "/x/exp.toml"

[<Tests>]
let tests =
    testList
        "Slurm array (pure)"
        [ test "every resource becomes its #SBATCH line, in order, and the array covers the cells with %K" {
              let r =
                  { SlurmSpec.Defaults with
                      Partition = Some "gpu"
                      Account = Some "lab42"
                      Time = Some "04:00:00"
                      Cpus = Some 8
                      Mem = Some "32G"
                      Gpus = Some 1
                      MaxParallel = Some 2
                      Extra = [ "--constraint=a100"; "--qos=normal" ] }

              let sbatch = script "tiny" (job r) |> lines |> List.filter (fun l -> l.StartsWith "#SBATCH")

              Expect.equal
                  sbatch
                  [ "#SBATCH --job-name=gi-tiny"
                    "#SBATCH --array=0-2%2"
                    "#SBATCH --output=/shared/results/tiny/slurm/logs/%A_%a.out"
                    "#SBATCH --open-mode=append"
                    "#SBATCH --partition=gpu"
                    "#SBATCH --account=lab42"
                    "#SBATCH --time=04:00:00"
                    "#SBATCH --cpus-per-task=8"
                    "#SBATCH --mem=32G"
                    "#SBATCH --gres=gpu:1"
                    "#SBATCH --signal=B:TERM@60"
                    "#SBATCH --requeue"
                    "#SBATCH --constraint=a100"
                    "#SBATCH --qos=normal" ]
                  "the #SBATCH lines"
          }

          test "defaults ask only for the array, the log, the early SIGTERM and requeue (the cluster's defaults for the rest)" {
              let sbatch = script "tiny" (job SlurmSpec.Defaults) |> lines |> List.filter (fun l -> l.StartsWith "#SBATCH")

              Expect.equal
                  sbatch
                  [ "#SBATCH --job-name=gi-tiny"
                    "#SBATCH --array=0-2"
                    "#SBATCH --output=/shared/results/tiny/slurm/logs/%A_%a.out"
                    "#SBATCH --open-mode=append"
                    "#SBATCH --signal=B:TERM@60"
                    "#SBATCH --requeue" ]
                  "the #SBATCH lines"
          }

          test "the body runs the setup lines, then execs runner cell on the task's line of the cells file" {
              let text = script "tiny" (job { SlurmSpec.Defaults with Setup = [ "module load cuda/12.1"; "source ~/venv/bin/activate" ]; SignalSeconds = 0; Requeue = false })
              let body = text |> lines |> List.filter (fun l -> l <> "" && not (l.StartsWith "#"))

              Expect.equal
                  body
                  [ "set -eo pipefail"
                    "module load cuda/12.1"
                    "source ~/venv/bin/activate"
                    "cell=$(sed -n \"$((${SLURM_ARRAY_TASK_ID:?submit this script with sbatch} + 1))p\" /shared/results/tiny/slurm/submit-001.cells)"
                    "[ -n \"$cell\" ] || { echo \"no cell for task $SLURM_ARRAY_TASK_ID in /shared/results/tiny/slurm/submit-001.cells\" >&2; exit 2; }"
                    "exec /opt/dotnet/dotnet /shared/GazeInsight/runner.dll cell \"$cell\" --engine torch" ]
                  "the script's commands"

              Expect.isTrue (text.StartsWith "#!/bin/bash\n") "a bash script"
              Expect.contains (lines text) "#SBATCH --no-requeue" "requeue = false is said explicitly"
              Expect.isFalse (text.Contains "--signal") "signal_seconds = 0 asks for no signal"
          }

          test "the cells file has task i's folder on line i+1" {
              Expect.equal (cellsFileText (job SlurmSpec.Defaults)) "/shared/results/tiny/aaaa\n/shared/results/tiny/bbbb\n/shared/results/tiny/cccc\n" "one folder per line"
          }

          test "words with spaces or quotes are quoted for the shell" {
              Expect.equal (shellQuote "/a b/it's") "'/a b/it'\\''s'" "single quotes, the quote escaped"
              Expect.equal (shellQuote "fake:delay=5") "fake:delay=5" "plain words stay plain"
              Expect.equal (shellQuote "$HOME") "'$HOME'" "nothing expanded"
          }

          test "sbatch --parsable: the job id with or without a cluster name; anything else is no id" {
              Expect.equal (parseJobId "1234\n") (Some "1234") "plain"
              Expect.equal (parseJobId "1234;gpu-cluster\n") (Some "1234") "with the cluster"
              Expect.equal (parseJobId "sbatch: error: x\n") None "an error line"
              Expect.equal (parseJobId "") None "nothing"
          }

          test "squeue -r lines become tasks; the pending range line of a non -r listing is dropped" {
              let tasks = parseSqueue "12|0|RUNNING\n12|1|PENDING\n12|2-3%2|PENDING\n13|0|COMPLETED\n"

              Expect.equal
                  tasks
                  [ { JobId = "12"; Index = 0; State = "RUNNING" }
                    { JobId = "12"; Index = 1; State = "PENDING" }
                    { JobId = "13"; Index = 0; State = "COMPLETED" } ]
                  "tasks"

              Expect.isTrue (isLive "PENDING" && isLive "RUNNING") "pending and running tasks are live"
              Expect.isFalse (isLive "COMPLETED" || isLive "CANCELLED" || isLive "FAILED" || isLive "TIMEOUT") "ended tasks are not"
          }

          test "the submissions record round-trips and a cell's later submission replaces its earlier one" {
              let text = formatSubmissions "12" [ "aaaa"; "bbbb" ] + formatSubmissions "15" [ "bbbb" ]
              let latest = parseSubmissions text |> latest
              Expect.equal latest["aaaa"] { JobId = "12"; Index = 0; CellId = "aaaa" } "aaaa in job 12"
              Expect.equal latest["bbbb"] { JobId = "15"; Index = 0; CellId = "bbbb" } "bbbb resubmitted in 15"
          }

          test "[runtime.slurm] is read into the spec, with executor = \"slurm\"" {
              match load "[runtime]\nexecutor = \"slurm\"\n[runtime.slurm]\npartition = \"gpu\"\ntime = \"1-12:00:00\"\ncpus = 4\nmem = \"16G\"\ngpus = 1\nmax_parallel = 8\nextra = [\"--constraint=a100\"]\nsetup = \"module load cuda\"\n" with
              | Error e -> failtestf "did not load: %A" (Spec.render e)
              | Ok spec ->
                  Expect.equal spec.Runtime.Executor RunOnSlurm "executor"

                  Expect.equal
                      spec.Runtime.Slurm
                      { SlurmSpec.Defaults with
                          Partition = Some "gpu"
                          Time = Some "1-12:00:00"
                          Cpus = Some 4
                          Mem = Some "16G"
                          Gpus = Some 1
                          MaxParallel = Some 8
                          Extra = [ "--constraint=a100" ]
                          Setup = [ "module load cuda" ] }
                      "the slurm settings"
          }

          test "runtime settings do not change the cell ids" {
              let ids r =
                  match load r with
                  | Ok spec -> spec.Cells |> List.map _.Id
                  | Error e -> failtestf "did not load: %A" (Spec.render e)

              Expect.equal (ids "[runtime]\nexecutor = \"slurm\"\n[runtime.slurm]\npartition = \"gpu\"\ngpus = 2\n") (ids "") "same ids"
          }

          test "a bad [runtime.slurm] value is one error at its key and line" {
              let cases =
                  [ "time = \"4 hours\"", "runtime.slurm.time", "Slurm time limit"
                    "mem = \"lots\"", "runtime.slurm.mem", "memory such as"
                    "cpus = 0", "runtime.slurm.cpus", "between 1 and"
                    "extra = [\"constraint=a100\"]", "runtime.slurm.extra[0]", "sbatch option"
                    "partiton = \"gpu\"", "runtime.slurm.partiton", "did you mean `partition`" ]

              for line, key, problem in cases do
                  match load ("[runtime.slurm]\n" + line + "\n") with
                  | Ok _ -> failtestf "%s was accepted" line
                  | Error errors ->
                      let rendered = Spec.render errors
                      Expect.equal rendered.Length 1 $"one error for {line}: {rendered}"
                      Expect.stringContains rendered[0] key "names the key"
                      Expect.stringContains rendered[0] problem "says the problem"
                      Expect.stringContains rendered[0] "exp.toml:" "names the file and line"
          }

          test "an unknown executor is an error that lists the choices" {
              match load "[runtime]\nexecutor = \"slrum\"\n" with
              | Ok _ -> failtest "accepted"
              | Error errors -> Expect.stringContains (Spec.render errors |> List.head) "did you mean \"slurm\"" "suggests slurm"
          } ]
