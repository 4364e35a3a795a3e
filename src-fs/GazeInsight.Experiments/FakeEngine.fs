/// A stand-in for the training engine, so that the runner (planning, store, child processes,
/// resume, tables) is tested in milliseconds without libtorch. Its numbers are a deterministic
/// function of the config (full supervision above gaze, seed- and case-dependent noise); it
/// checkpoints and resumes like the real one. Never used for reported results.
module GazeInsight.Experiments.FakeEngine

open System
open System.IO
open System.Threading

type Options =
    { /// Milliseconds of sleep per iteration (to make a sweep slow enough to interrupt).
      DelayMs: int
      /// Cells with this seed throw (a failing cell).
      FailSeed: int option
      /// Cells with this seed kill their process (a crash; only meaningful in a child process).
      CrashSeed: int option }

let defaults = { DelayMs = 0; FailSeed = None; CrashSeed = None }

/// Parses "fake" or "fake:delay=5,fail=1,crash=2"; Error names the bad part.
let parse (text: string) : Result<Options, string> =
    match text.Split(':', 2) with
    | [| "fake" |] -> Ok defaults
    | [| "fake"; opts |] ->
        opts.Split(',', StringSplitOptions.RemoveEmptyEntries)
        |> Array.fold
            (fun acc kv ->
                acc
                |> Result.bind (fun o ->
                    match kv.Split('=') with
                    | [| "delay"; v |] when fst (Int32.TryParse v) -> Ok { o with DelayMs = int v }
                    | [| "fail"; v |] when fst (Int32.TryParse v) -> Ok { o with FailSeed = Some(int v) }
                    | [| "crash"; v |] when fst (Int32.TryParse v) -> Ok { o with CrashSeed = Some(int v) }
                    | _ -> Error $"fake engine option \"{kv}\" (expected delay=MS, fail=SEED or crash=SEED)"))
            (Ok defaults)
    | _ -> Error $"engine \"{text}\" (expected torch or fake[:options])"

/// Uniform in [-1, 1) from a seed and a case index (SplitMix64: the same on every platform and run).
let private noise (seed: int) (case: int) (salt: uint64) =
    let mix = GazeInsight.Imaging.SplitMix64.Next
    let h = mix (mix (uint64 seed) ^^^ uint64 case ^^^ salt)
    float (h >>> 11) / float (1UL <<< 53) * 2.0 - 1.0

let private quality (cfg: CellConfig) =
    let q =
        match cfg.Method with
        | Full -> 0.86
        | GazeSingle th -> 0.78 - 0.3 * abs (th - 0.45)
        | GazeMedSegMethod g -> 0.79 + 0.005 * float g.Thresholds.Length
        | FgiMethod m -> 0.80 + (if m.Text then 0.01 else 0.0) + (if m.Darm = DarmOff then 0.0 else 0.005)

    q - 0.05 * exp (-float cfg.Train.Iterations / 200.0)

let CheckpointFile = "fake-checkpoint.txt"

/// The engine: sleeps, checkpoints every eval_every iterations, resumes from its checkpoint.
let engine (o: Options) : Execution.Engine =
    fun cfg runtime outputDir progress ct ->
        let ckpt = Path.Combine(outputDir, CheckpointFile)

        let start =
            if File.Exists ckpt then
                match Int32.TryParse(File.ReadAllText(ckpt).Trim()) with
                | true, v -> v
                | _ -> 0
            else
                0

        let q = quality cfg
        let iters = cfg.Train.Iterations

        for it in start + 1 .. iters do
            ct.ThrowIfCancellationRequested()

            if o.DelayMs > 0 then
                Thread.Sleep o.DelayMs

            if o.CrashSeed = Some cfg.Seed && it > iters / 2 then
                Environment.FailFast "fake engine: simulated crash"

            if o.FailSeed = Some cfg.Seed && it > iters / 2 then
                raise (InvalidOperationException "fake engine: simulated failure")

            let loss = 1.0 - q * float it / float iters
            let validation = if it % cfg.Train.EvalEvery = 0 || it = iters then Some(q * float it / float iters) else None

            progress.Report
                { Iteration = it
                  Iterations = iters
                  Loss = loss
                  ValidationDice = validation }

            if it % cfg.Train.EvalEvery = 0 then
                Store.writeAtomic ckpt (string it)

        // a synthetic set's real test ids (so that reports find each case's image), else case_NNN
        let cases, caseId =
            match cfg.Data.Source with
            | Synthetic s -> s.Test, (fun i -> GazeInsight.Imaging.Synthetic.SyntheticDataset.IdOf(s.Train + i))
            | Folder _ -> 20, (fun i -> $"case_{i:D3}")

        // every output of the method; the first one's numbers are the single-output methods'
        let rows =
            [ for k, output in MethodOutputs.all cfg.Method |> List.indexed do
                  for checkpoint, shift in [ Best, 0.0; Last, -0.005 ] do
                      for i in 0 .. cases - 1 do
                          let dice = q + shift - 0.01 * float k + 0.06 * noise cfg.Seed i 17UL |> max 0.0 |> min 1.0
                          let iou = dice / (2.0 - dice)

                          yield
                              { Output = output
                                Checkpoint = checkpoint
                                Case = caseId i
                                Values = [ Metric.Dice, dice; Metric.IoU, iou ] } ]

        { Cases = rows
          Curve =
            [ for it in cfg.Train.EvalEvery .. cfg.Train.EvalEvery .. iters ->
                  { Iteration = it
                    Loss = 1.0 - q * float it / float iters
                    LearningRate = cfg.Optimizer.LearningRate
                    ValidationDice = q * float it / float iters } ]
          BestIteration = iters
          SelectOutput = Some cfg.Evaluation.SelectOutput
          TrainSeconds = 0.0
          ImagesPerSecond = 0.0
          Device = $"fake ({runtime.Device})" }
