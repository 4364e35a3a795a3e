module GazeInsight.Evaluation.Tests.MaskEvaluationTests

open System
open System.IO
open Expecto
open GazeInsight.Evaluation
open GazeInsight.Evaluation.MaskFiles
open GazeInsight.Imaging.IO
open GazeInsight.Metrics

type private TempDir() =
    let path = Path.Combine(Path.GetTempPath(), "gi-eval-tests-" + Guid.NewGuid().ToString("N"))
    do Directory.CreateDirectory path |> ignore
    member _.File(name: string) = Path.Combine(path, name)

    member _.Sub(name: string) =
        let d = Path.Combine(path, name)
        Directory.CreateDirectory d |> ignore
        d

    interface IDisposable with
        member _.Dispose() =
            try
                Directory.Delete(path, true)
            with _ ->
                ()

/// An 8x8 gray PNG whose pixels inside the square [lo, hi) are `value`, 0 elsewhere.
let private square (path: string) (lo: int) (hi: int) (value: byte) =
    let pixels = Array.init 64 (fun i -> if i / 8 >= lo && i / 8 < hi && i % 8 >= lo && i % 8 < hi then value else 0uy)
    ImageFile.WriteGray8(path, 8, 8, ReadOnlySpan pixels)

let private options pred gt : MaskEvaluation.Options =
    { Pred = pred
      Gt = gt
      Spacing = None
      Evaluation = EvaluationOptions.Default
      PerVolume = false
      Binarisation = AlreadyBinary }

let private dice (cases: MaskEvaluation.Case list) (o: MaskEvaluation.Options) =
    (MaskEvaluation.evaluate o cases |> Seq.head).Dice

[<Tests>]
let tests =
    testList
        "mask evaluation"
        [ test "binary masks stored as 0/255 read as they are" {
              Expect.equal (binarise AlreadyBinary 1 [| 0.0; 255.0; 255.0; 0.0 |]) (Ok [| 0uy; 1uy; 1uy; 0uy |]) "0/255"
              Expect.equal (binarise AlreadyBinary 1 [| 0.0; 0.0 |]) (Ok [| 0uy; 0uy |]) "empty"
          }

          test "a probability map is refused without --threshold, and the message says which flags" {
              match binarise AlreadyBinary 1 [| 0.0; 0.2; 0.7; 1.0 |] with
              | Ok _ -> failtest "a probability map must not be thresholded silently"
              | Error e ->
                  Expect.stringContains e "not a binary mask" "the problem"
                  Expect.stringContains e "--threshold" "one way out"
                  Expect.stringContains e "--label" "the other"
          }

          test "--threshold and --label binarise as told" {
              Expect.equal (binarise (Threshold 0.5) 1 [| 0.2; 0.7; 0.5 |]) (Ok [| 0uy; 1uy; 0uy |]) "value > t"
              Expect.equal (binarise (Label 2) 1 [| 0.0; 1.0; 2.0 |]) (Ok [| 0uy; 0uy; 1uy |]) "value = k"
          }

          test "several channels: foreground where any channel is" {
              Expect.equal (binarise AlreadyBinary 2 [| 0.0; 255.0; 255.0; 0.0 |]) (Ok [| 1uy; 1uy |]) "either channel"
          }

          test "a 0/1/2 label image file is refused, naming the file; --label picks one class" {
              use tmp = new TempDir()
              let pixels = Array.init 64 (fun i -> byte (i % 3))
              let file = tmp.File "labels.png"
              ImageFile.WriteGray8(file, 8, 8, ReadOnlySpan pixels)

              match load AlreadyBinary file with
              | Ok _ -> failtest "label image accepted as binary"
              | Error e -> Expect.stringStarts e $"{file}: not a binary mask (values 0, 1, 2" "names file and values"

              match load (Label 2) file with
              | Ok m -> Expect.equal (m.Mask.Data |> Seq.sumBy int) (pixels |> Array.filter ((=) 2uy) |> Array.length) "the 2s"
              | Error e -> failtest e
          }

          test "two single files are one case whatever their names" {
              use tmp = new TempDir()
              square (tmp.File "a.png") 2 6 255uy
              square (tmp.File "b.png") 2 6 255uy
              let o = options (tmp.File "a.png") (tmp.File "b.png")

              match MaskEvaluation.prepare o with
              | Ok(cases, physical) ->
                  Expect.equal (cases |> List.map _.Id) [ "b" ] "named after the ground truth"
                  Expect.isFalse physical "no spacing: voxels"
                  Expect.floatClose Accuracy.veryHigh (dice cases o) 1.0 "identical masks"
              | Error e -> failtestf "%A" e
          }

          test "folders pair by name; every missing or mismatched case is reported at once" {
              use tmp = new TempDir()
              let pred, gt = tmp.Sub "pred", tmp.Sub "gt"
              square (Path.Combine(pred, "x.png")) 2 6 255uy
              square (Path.Combine(gt, "x.png")) 3 7 1uy
              square (Path.Combine(gt, "y.png")) 3 7 1uy
              square (Path.Combine(pred, "z.png")) 3 7 1uy

              match MaskEvaluation.prepare (options pred gt) with
              | Ok _ -> failtest "missing cases accepted"
              | Error problems ->
                  Expect.equal problems.Length 2 $"one line per problem: %A{problems}"
                  Expect.exists problems (fun p -> p.Contains "no prediction for case 'y'") "y"
                  Expect.exists problems (fun p -> p.Contains "no ground truth for case 'z'") "z"
          }

          test "a 4x4 square against the same square shifted by one row: Dice 0.75" {
              use tmp = new TempDir()
              let pred, gt = tmp.Sub "pred", tmp.Sub "gt"
              square (Path.Combine(pred, "c.png")) 2 6 255uy
              ImageFile.WriteGray8(Path.Combine(gt, "c.png"), 8, 8, ReadOnlySpan(Array.init 64 (fun i -> if i / 8 >= 3 && i / 8 < 7 && i % 8 >= 2 && i % 8 < 6 then 1uy else 0uy)))
              let o = options pred gt

              match MaskEvaluation.prepare o with
              | Ok(cases, _) -> Expect.floatClose Accuracy.veryHigh (dice cases o) 0.75 "2 x 12 / (16 + 16)"
              | Error e -> failtestf "%A" e
          }

          test "--per volume stacks <case>_<k> slices into one case" {
              use tmp = new TempDir()
              let pred, gt = tmp.Sub "pred", tmp.Sub "gt"

              for k in 0..2 do
                  square (Path.Combine(pred, $"p1_{k}.png")) 2 6 255uy
                  square (Path.Combine(gt, $"p1_{k}.png")) 2 6 255uy

              match MaskEvaluation.prepare { options pred gt with PerVolume = true } with
              | Ok(cases, _) ->
                  Expect.equal (cases |> List.map _.Id) [ "p1" ] "one volume"
                  Expect.equal (List.ofSeq cases.Head.Gt.Shape) [ 3; 8; 8 ] "slices stacked first"
              | Error e -> failtestf "%A" e
          }

          test "--spacing with the wrong number of values names the case" {
              use tmp = new TempDir()
              square (tmp.File "a.png") 2 6 255uy

              match MaskEvaluation.prepare { options (tmp.File "a.png") (tmp.File "a.png") with Spacing = Some [| 1.0; 1.0; 1.0 |] } with
              | Ok _ -> failtest "3 values for a 2-D case accepted"
              | Error [ e ] -> Expect.stringContains e "--spacing has 3 values but the case has 2 axes" "message"
              | Error e -> failtestf "one problem expected: %A" e
          }

          test "the per-case CSV spells nan and inf" {
              use tmp = new TempDir()
              square (tmp.File "p.png") 0 0 255uy
              square (tmp.File "g.png") 2 6 255uy
              let o = options (tmp.File "p.png") (tmp.File "g.png")

              match MaskEvaluation.prepare o with
              | Ok(cases, _) ->
                  let csv = MaskEvaluation.csvText (MaskEvaluation.evaluate o cases)
                  Expect.stringStarts csv "case,dice,iou," "header"
                  Expect.stringContains csv "nan" "an empty prediction has undefined distances"
              | Error e -> failtestf "%A" e
          }

          test "--spacing parses positive numbers and refuses the rest" {
              Expect.equal (MaskEvaluation.parseSpacing "0.5, 0.5,3") (Ok [| 0.5; 0.5; 3.0 |]) "ok"
              Expect.isError (MaskEvaluation.parseSpacing "1,-2") "negative"
              Expect.isError (MaskEvaluation.parseSpacing "a") "not a number"
          } ]
