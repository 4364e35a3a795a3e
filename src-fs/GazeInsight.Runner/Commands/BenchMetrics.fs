/// `runner bench-metrics`: timing of the surface-distance metrics on random 2D and 3D masks,
/// and against brute force (GazeInsight.Evaluation.MetricsBenchmark computes; this prints).
module GazeInsight.Runner.Commands.BenchMetrics

open System
open Argu
open GazeInsight.Evaluation
open GazeInsight.Runner

type Args =
    | [<Unique>] Count_2D of int
    | [<Unique>] Count_3D of int
    | [<Unique>] Brute_2D of int
    | [<Unique>] Brute_3D of int
    | [<Unique>] Seed of int

    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | Count_2D _ -> "number of random 512x512 mask pairs (default 1000)."
            | Count_3D _ -> "number of random 256x256x64 volume pairs (default 20)."
            | Brute_2D _ -> "how many 2D pairs to also run the all-pairs reference on (default 20)."
            | Brute_3D _ -> "how many volume pairs to also run the all-pairs reference on (default 1)."
            | Seed _ -> "random seed (default 0)."

let private report (name: string) (pairs: _[]) (brute: int) =
    let r = MetricsBenchmark.timeSet pairs

    printfn
        "%s: %d pairs, HD95+ASSD (all surface metrics): %.3f s wall, %.3f s CPU on %d cores (%.2f ms/pair wall, %.1f ns/voxel CPU); mean HD95 %.2f, mean ASSD %.2f over %d non-empty pairs"
        name
        r.Pairs
        r.Timing.Wall
        r.Timing.Cpu
        Environment.ProcessorCount
        (1000.0 * r.Timing.Wall / float r.Pairs)
        (1e9 * r.Timing.Cpu / float r.Voxels)
        r.MeanHd95
        r.MeanAssd
        r.Valid

    if brute > 0 then
        let b = MetricsBenchmark.bruteForce pairs brute

        printfn
            "%s brute-force check on %d pairs (%d surface points, one thread each): EDT %.3f s, all-pairs %.3f s, ratio %.1fx; max |difference| %g"
            name
            b.Pairs
            b.SurfacePoints
            b.Edt.Wall
            b.AllPairs.Wall
            (b.AllPairs.Wall / b.Edt.Wall)
            b.MaxDifference

let run (args: ParseResults<Args>) : int =
    let count2 = args.GetResult(Count_2D, defaultValue = 1000)
    let count3 = args.GetResult(Count_3D, defaultValue = 20)
    let brute2 = args.GetResult(Brute_2D, defaultValue = 20)
    let brute3 = args.GetResult(Brute_3D, defaultValue = 1)
    let seed = args.GetResult(Seed, defaultValue = 0)

    if [ count2; count3; brute2; brute3 ] |> List.exists (fun n -> n < 0) then
        Cli.printError "bench-metrics: counts must be >= 0"
        Cli.Exit.Usage
    else
        let rng = Random(seed)

        printfn
            "bench-metrics: random blob pairs (1-3 rotated ellipses / ellipsoids, prediction = perturbed truth), seed %d; generation not timed"
            seed

        let pairs2 = MetricsBenchmark.pairs rng count2 [| 512; 512 |] None

        if count2 > 0 then
            report "2D 512x512" pairs2 brute2

        let pairs3 = MetricsBenchmark.pairs rng count3 [| 64; 256; 256 |] (Some [| 3.0; 0.5; 0.5 |])

        if count3 > 0 then
            report "3D 256x256x64 (spacing 0.5,0.5,3)" pairs3 brute3

        Cli.Exit.Ok
