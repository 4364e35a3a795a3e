module GazeInsight.Experiments.Tests.GridTests

open System
open Expecto
open FsCheck
open FsCheck.FSharp
open GazeInsight.Experiments
open GazeInsight.Experiments.Tests.Helpers

/// A generated grid: seeds, variants (each a distinct iteration count) and up to two axes.
type GridShape =
    { Seeds: int
      Variants: int
      BatchAxis: int
      LrAxis: int
      Order: int }

let private genShape =
    gen {
        let! s = Gen.choose (1, 4)
        let! v = Gen.choose (1, 4)
        let! b = Gen.choose (0, 3)
        let! l = Gen.choose (0, 3)
        let! o = Gen.choose (0, 1000)

        return
            { Seeds = s
              Variants = v
              BatchAxis = b
              LrAxis = l
              Order = o }
    }

/// The spec as TOML; `reorder` permutes sections and keys and respells numbers.
let private render (g: GridShape) (reorder: bool) =
    let rng = Random(g.Order)
    let shuffle (xs: string list) = if reorder then xs |> List.sortBy (fun _ -> rng.Next()) else xs
    let lr (j: int) = if reorder then $"{j + 1}e-2" else (0.01 * float (j + 1)).ToString("R", Globalization.CultureInfo.InvariantCulture)

    let seeds = "seeds = [" + String.Join(", ", [ 0 .. g.Seeds - 1 ]) + "]\n"

    let data =
        "[data]\n" + String.Join("\n", shuffle [ "source = \"synthetic\""; "image_size = 64"; "validation_fraction = 0.1" ]) + "\n"

    let methodSection = "[method]\nkind = \"full\"\n"
    let optimizer = "[optimizer]\n" + String.Join("\n", shuffle [ "momentum = 0.9"; "lr = " + lr 0 ]) + "\n"

    let variants =
        [ for i in 0 .. g.Variants - 1 ->
              "[[variant]]\n"
              + String.Join("\n", shuffle [ $"name = \"v{i}\""; $"train.iterations = {10 + i}" ])
              + "\n" ]

    let axes =
        [ if g.BatchAxis > 0 then
              yield "\"train.batch_size\" = [" + String.Join(", ", [ 1 .. g.BatchAxis ]) + "]"
          if g.LrAxis > 0 then
              yield "\"optimizer.lr\" = [" + String.Join(", ", [ for j in 0 .. g.LrAxis - 1 -> lr j ]) + "]" ]

    // Axis order matters for cell order but not for ids: keep it, shuffle the rest.
    let grid = if axes.IsEmpty then "" else "[grid]\n" + String.Join("\n", axes) + "\n"
    let top = seeds + "name = \"g\"\n"
    let sections = shuffle [ data; methodSection; optimizer ]
    top + String.Join("\n", sections) + "\n" + String.Join("\n", variants) + "\n" + grid

let private config = { FsCheckConfig.defaultConfig with maxTest = 60; arbitrary = [] }

[<Tests>]
let tests =
    testList
        "grid"
        [ testPropertyWithConfig config "count = seeds x variants x axis sizes"
          <| Prop.forAll (Arb.fromGen genShape) (fun g ->
              let spec = loadOk (render g false)
              spec.Cells.Length = g.Seeds * g.Variants * max 1 g.BatchAxis * max 1 g.LrAxis
              && Grid.count spec.Seeds spec.Variants spec.Axes = spec.Cells.Length)

          testPropertyWithConfig config "ids are unique and stable under key reordering and respelling"
          <| Prop.forAll (Arb.fromGen genShape) (fun g ->
              let a = loadOk (render g false)
              let b = loadOk (render g true)
              let ids s = s.Cells |> List.map (fun (c: Cell) -> c.Row, c.Seed, c.Id)
              ids a = ids b && (a.Cells |> List.map _.Id |> List.distinct).Length = a.Cells.Length)

          testPropertyWithConfig config "the written config reads back to the same config and id"
          <| Prop.forAll (Arb.fromGen genShape) (fun g ->
              let spec = loadOk (render g false)

              let runtime =
                  { ExperimentDir = "/virtual"
                    Device = "cpu"
                    Threads = Some 3
                    CacheDir = "/tmp/cache" }

              spec.Cells
              |> List.forall (fun c ->
                  match Store.readCellConfig "config.toml" (Store.cellConfigText c runtime) with
                  | Ok(cfg, rt, canonical) -> cfg = c.Config && rt = runtime && RunId.ofCanonical canonical = c.Id
                  | Error _ -> false))

          test "any change of a value changes the id; the seed too" {
              let baseText = "[data]\nsource = \"synthetic\"\n[method]\nkind = \"full\"\n"
              let id (t: string) = (loadOk t).Cells.Head.Id
              let a = id baseText
              Expect.notEqual (id (baseText + "[train]\niterations = 999\n")) a "iterations"
              Expect.notEqual (id ("seeds = [1]\n" + baseText)) a "seed"
              Expect.equal (id (baseText + "[train]\niterations = 1000\n")) a "a default spelt out changes nothing"
          }

          test "axis order: first axis outermost, seeds innermost" {
              let spec =
                  loadOk (
                      "seeds = [0, 1]\n[data]\nsource = \"synthetic\"\n[method]\nkind = \"gaze\"\nthreshold = 0.5\n"
                      + "[grid]\n\"method.threshold\" = [0.3, 0.5]\n\"train.batch_size\" = [2, 4]\n"
                  )

              Expect.equal
                  (spec.Cells |> List.map (fun c -> c.Row, c.Seed))
                  [ for th in [ "0.3"; "0.5" ] do
                        for b in [ "2"; "4" ] do
                            for s in [ 0; 1 ] -> $"base (method.threshold={th}, train.batch_size={b})", s ]
                  "order"
          } ]
