/// From per-case results to table numbers: per seed, the mean over valid cases; per row, the
/// mean ± sample std over seeds; paired significance tests against a baseline row.
module GazeInsight.Experiments.Aggregate

open System
open MathNet.Numerics.Distributions

/// Mean ± std over seeds, with the number of seeds that gave a value.
type Stat = { Mean: float; Std: float; Seeds: int }

/// Value of a metric for one cell: mean over the cases of the chosen output and checkpoint
/// (NaN cases skipped); None when the cell has no such value.
let cellValue (output: Output) (checkpoint: Checkpoint) (metric: Metric) (r: CellResult) =
    let values =
        r.Cases
        |> List.filter (fun c -> c.Output = output && c.Checkpoint = checkpoint)
        |> List.choose (fun c -> c.Values |> List.tryFind (fun (k, _) -> k = metric) |> Option.map snd)
        |> List.filter (fun v -> not (Double.IsNaN v))

    if values.IsEmpty then None else Some(List.average values)

/// Mean and sample standard deviation (n - 1; 0 for one value).
let stat (values: float list) =
    match values with
    | [] -> None
    | _ ->
        let mean = List.average values
        let n = values.Length

        let std =
            if n < 2 then 0.0
            else sqrt ((values |> List.sumBy (fun v -> (v - mean) ** 2.0)) / float (n - 1))

        Some { Mean = mean; Std = std; Seeds = n }

/// Per case id, the metric averaged over the seeds that have it.
let perCase (output: Output) (checkpoint: Checkpoint) (metric: Metric) (results: CellResult list) : Map<string, float> =
    results
    |> List.collect (fun r -> r.Cases |> List.filter (fun c -> c.Output = output && c.Checkpoint = checkpoint))
    |> List.choose (fun c ->
        c.Values
        |> List.tryFind (fun (k, _) -> k = metric)
        |> Option.filter (fun (_, v) -> not (Double.IsNaN v))
        |> Option.map (fun (_, v) -> c.Case, v))
    |> List.groupBy fst
    |> List.map (fun (k, vs) -> k, vs |> List.averageBy snd)
    |> Map.ofList

/// Two-sided Wilcoxon signed-rank test (zero differences dropped, average ranks for ties,
/// normal approximation with tie and continuity correction). None with fewer than 2 pairs.
let wilcoxon (pairs: (float * float) list) : float option =
    let d = pairs |> List.map (fun (a, b) -> a - b) |> List.filter (fun x -> x <> 0.0)
    let n = d.Length

    if pairs.Length < 2 then None
    elif n = 0 then Some 1.0
    else
        let sorted = d |> List.sortBy abs |> Array.ofList
        let ranks = Array.zeroCreate n
        let mutable tieTerm = 0.0
        let mutable i = 0

        while i < n do
            let mutable j = i

            while j + 1 < n && abs sorted[j + 1] = abs sorted[i] do
                j <- j + 1

            let avg = float (i + j + 2) / 2.0

            for k in i..j do
                ranks[k] <- avg

            let t = float (j - i + 1)
            tieTerm <- tieTerm + (t * t * t - t)
            i <- j + 1

        let wPlus = Seq.zip sorted ranks |> Seq.sumBy (fun (x, r) -> if x > 0.0 then r else 0.0)
        let nf = float n
        let mean = nf * (nf + 1.0) / 4.0
        let var = nf * (nf + 1.0) * (2.0 * nf + 1.0) / 24.0 - tieTerm / 48.0

        if var <= 0.0 then Some 1.0
        else
            let z = (abs (wPlus - mean) - 0.5 |> max 0.0) / sqrt var
            Some(2.0 * (1.0 - Normal.CDF(0.0, 1.0, z)) |> min 1.0)

/// Two-sided paired t-test. None with fewer than 2 pairs.
let pairedT (pairs: (float * float) list) : float option =
    let d = pairs |> List.map (fun (a, b) -> a - b)
    let n = d.Length

    if n < 2 then None
    else
        let mean = List.average d
        let sd = sqrt ((d |> List.sumBy (fun x -> (x - mean) ** 2.0)) / float (n - 1))

        if sd = 0.0 then Some(if mean = 0.0 then 1.0 else 0.0)
        else
            let t = mean / (sd / sqrt (float n))
            Some(2.0 * (1.0 - StudentT.CDF(0.0, 1.0, float (n - 1), abs t)) |> min 1.0)

/// Pairs of a row with its baseline: by case id (values averaged over seeds) or by seed.
let pairs (over: PairedOver) (output: Output) (baselineOutput: Output) (checkpoint: Checkpoint) (metric: Metric)
          (row: (int * CellResult) list) (baseline: (int * CellResult) list) : (float * float) list =
    match over with
    | Cases ->
        let a = perCase output checkpoint metric (row |> List.map snd)
        let b = perCase baselineOutput checkpoint metric (baseline |> List.map snd)
        [ for KeyValue(k, v) in a do
              match Map.tryFind k b with
              | Some w -> yield v, w
              | None -> () ]
    | Seeds ->
        let bySeed out rs =
            rs |> List.choose (fun (s, r) -> cellValue out checkpoint metric r |> Option.map (fun v -> s, v)) |> Map.ofList

        let a = bySeed output row
        let b = bySeed baselineOutput baseline
        [ for KeyValue(s, v) in a do
              match Map.tryFind s b with
              | Some w -> yield v, w
              | None -> () ]

let test (t: SignificanceTest) =
    match t with
    | Wilcoxon -> wilcoxon
    | PairedT -> pairedT
