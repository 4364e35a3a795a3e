/// Timing of the surface-distance metrics on random blob pairs (what `runner bench-metrics`
/// prints), and a check of the EDT-based distances against brute force.
module GazeInsight.Evaluation.MetricsBenchmark

open System
open System.Diagnostics
open GazeInsight.Metrics

type Timing = { Wall: float; Cpu: float }

/// One set of pairs timed with every surface metric (HD95, ASSD, ...).
type SetResult =
    { Pairs: int
      Timing: Timing
      Voxels: int64
      /// Pairs with a defined HD95 (neither mask empty).
      Valid: int
      MeanHd95: float
      MeanAssd: float }

/// The brute-force check on the first pairs of a set.
type BruteForceResult =
    { Pairs: int
      SurfacePoints: int
      Edt: Timing
      AllPairs: Timing
      /// Largest |difference| between the two methods' directed distances.
      MaxDifference: float }

let private timed (action: unit -> 'T) : 'T * Timing =
    use proc = Process.GetCurrentProcess()
    let cpu0 = proc.TotalProcessorTime
    let sw = Stopwatch.StartNew()
    let result = action ()
    sw.Stop()
    proc.Refresh()

    result,
    { Wall = sw.Elapsed.TotalSeconds
      Cpu = (proc.TotalProcessorTime - cpu0).TotalSeconds }

let private maxDifference (a: DirectedDistances) (b: DirectedDistances) =
    Seq.append (Seq.zip a.PredictionToTruth b.PredictionToTruth) (Seq.zip a.TruthToPrediction b.TruthToPrediction)
    |> Seq.fold (fun m (x, y) -> if x = y then m else max m (abs (x - y))) 0.0

/// `count` random pairs of the given shape (and spacing), drawn from `rng`.
let pairs (rng: Random) (count: int) (shape: int[]) (spacing: float[] option) =
    Array.init count (fun _ ->
        let struct (p, g) =
            match spacing with
            | Some s -> SyntheticMasks.Pair(rng, shape, s)
            | None -> SyntheticMasks.Pair(rng, shape)

        p, g)

/// Times every surface metric on the pairs (after a short warm-up, so that the figure measures
/// compiled code, not the JIT's first tier).
let timeSet (pairs: (BinaryMask * BinaryMask)[]) : SetResult =
    let options = SurfaceDistanceOptions.Default

    for p, g in pairs |> Array.truncate 3 do
        SurfaceDistance.Compute(p, g, options) |> ignore

    let results, t =
        timed (fun () -> pairs |> Array.Parallel.map (fun (p, g) -> SurfaceDistance.Compute(p, g, options)))

    let valid = results |> Array.filter (fun r -> not (Double.IsNaN r.Hd95))
    let meanOf f = if valid.Length = 0 then nan else valid |> Array.averageBy f

    { Pairs = pairs.Length
      Timing = t
      Voxels = pairs |> Array.sumBy (fun (p, _) -> int64 p.Data.Length)
      Valid = valid.Length
      MeanHd95 = meanOf (fun r -> r.Hd95)
      MeanAssd = meanOf (fun r -> r.Assd) }

/// Directed distances by the EDT and by all pairs, on the first `count` pairs.
let bruteForce (pairs: (BinaryMask * BinaryMask)[]) (count: int) : BruteForceResult =
    let subset = pairs |> Array.truncate count
    let fast, tf = timed (fun () -> subset |> Array.map (fun (p, g) -> SurfaceDistance.Directed(p, g)))
    let slow, ts = timed (fun () -> subset |> Array.map (fun (p, g) -> SurfaceDistance.DirectedBruteForce(p, g)))

    { Pairs = subset.Length
      SurfacePoints = fast |> Array.sumBy (fun d -> d.PredictionToTruth.Length + d.TruthToPrediction.Length)
      Edt = tf
      AllPairs = ts
      MaxDifference = Array.map2 maxDifference fast slow |> Array.fold max 0.0 }
