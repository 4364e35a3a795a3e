module GazeInsight.Experiments.Tests.AggregateTests

open Expecto
open GazeInsight.Experiments

[<Tests>]
let tests =
    testList
        "aggregate"
        [ test "mean and sample std over seeds" {
              let s = (Aggregate.stat [ 0.8; 0.9; 1.0 ]).Value
              Expect.floatClose Accuracy.high s.Mean 0.9 "mean"
              Expect.floatClose Accuracy.high s.Std 0.1 "std (n-1)"
              Expect.equal s.Seeds 3 "count"
              Expect.equal (Aggregate.stat [ 0.5 ]).Value.Std 0.0 "one seed: std 0"
              Expect.isNone (Aggregate.stat []) "no value"
          }

          test "NaN cases are skipped, and a cell without the metric has no value" {
              let r =
                  { Cases =
                      [ { Output = Output.Model; Checkpoint = Best; Case = "a"; Values = [ Metric.Dice, 0.5 ] }
                        { Output = Output.Model; Checkpoint = Best; Case = "b"; Values = [ Metric.Dice, nan ] }
                        { Output = Output.Model; Checkpoint = Best; Case = "c"; Values = [ Metric.Dice, 0.7 ] } ]
                    Curve = []
                    BestIteration = 0
                    SelectOutput = Some Output.Model
                    TrainSeconds = 0.0
                    ImagesPerSecond = 0.0
                    Device = "cpu" }

              Expect.floatClose Accuracy.high (Aggregate.cellValue Output.Model Best Metric.Dice r).Value 0.6 "mean of valid"
              Expect.isNone (Aggregate.cellValue Output.Model Last Metric.Dice r) "no such checkpoint"
              Expect.isNone (Aggregate.cellValue Output.Model Best Metric.Hd95 r) "no such metric"
          }

          // Known answers computed by hand: differences 1..8 all positive, no ties: W+ = 36,
          // mean 18, var 8*9*17/24 = 51, z = (18 - 0.5)/sqrt 51 = 2.45049, p = 0.0142662.
          test "Wilcoxon signed-rank, normal approximation with continuity correction" {
              let pairs = [ for d in 1..8 -> float d, 0.0 ]
              Expect.floatClose Accuracy.medium (Aggregate.wilcoxon pairs).Value 0.0142662 "p"
              Expect.equal (Aggregate.wilcoxon [ 1.0, 1.0; 2.0, 2.0 ]) (Some 1.0) "all ties: no evidence"
              Expect.isNone (Aggregate.wilcoxon [ 1.0, 0.0 ]) "one pair: no test"
          }

          // d = [1, 2, 3, 4]: mean 2.5, sd 1.29099, t = 3.87298 on 3 df, two-sided p = 0.030466.
          test "paired t-test" {
              let pairs = [ 1.0, 0.0; 2.0, 0.0; 3.0, 0.0; 4.0, 0.0 ]
              Expect.floatClose Accuracy.medium (Aggregate.pairedT pairs).Value 0.030466 "p"
          }

          test "pairs by case average seeds per case; pairs by seed use seed means" {
              let result seed (values: (string * float) list) =
                  seed,
                  { Cases = values |> List.map (fun (c, v) -> { Output = Output.Model; Checkpoint = Best; Case = c; Values = [ Metric.Dice, v ] })
                    Curve = []
                    BestIteration = 0
                    SelectOutput = Some Output.Model
                    TrainSeconds = 0.0
                    ImagesPerSecond = 0.0
                    Device = "cpu" }

              let row = [ result 0 [ "a", 0.8; "b", 0.6 ]; result 1 [ "a", 0.6; "b", 0.6 ] ]
              let baseline = [ result 0 [ "a", 0.5; "b", 0.5 ] ]
              Expect.equal (Aggregate.pairs Cases Output.Model Output.Model Best Metric.Dice row baseline |> List.sort) [ 0.6, 0.5; 0.7, 0.5 ] "by case"
              Expect.equal (Aggregate.pairs Seeds Output.Model Output.Model Best Metric.Dice row baseline) [ 0.7, 0.5 ] "by seed (only seed 0 in both)"
          } ]
