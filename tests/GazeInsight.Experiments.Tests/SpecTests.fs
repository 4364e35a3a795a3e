module GazeInsight.Experiments.Tests.SpecTests

open System
open System.IO
open Expecto
open GazeInsight.Experiments
open GazeInsight.Experiments.Tests.Helpers

let private minimal =
    """
[data]
source = "synthetic"

[method]
kind = "full"
"""

let private corpus = Path.Combine(sourceDir, "specs", "bad")

/// Every broken spec of the corpus, with its exact expected messages (paths relative to the corpus).
let private corpusTests =
    [ for file in Directory.GetFiles(corpus, "*.toml") |> Array.sort do
          let name = nonNull (Path.GetFileNameWithoutExtension file)

          test name {
              let result = Spec.load Spec.diskReader Spec.defaultOptions file

              match result with
              | Ok _ -> failtest $"{name}.toml loaded without errors"
              | Error errors ->
                  let text =
                      String.Join("\n", Spec.render errors).Replace(corpus + Path.DirectorySeparatorChar.ToString(), "")
                      + "\n"

                  let expectedFile = Path.Combine(corpus, name + ".expected")

                  if updateGolden then
                      File.WriteAllText(expectedFile, text)
                  else
                      Expect.equal text (File.ReadAllText expectedFile) $"messages of {name}.toml"
          } ]

[<Tests>]
let tests =
    testList
        "spec"
        [ testList "broken corpus" corpusTests

          test "one missing quote is one error at its line, not one per following line" {
              let errors = loadErrors "name = \"q\"\n[data]\nsource = \"synthetic\nroot = \"x\"\nlayout = \"generic\"\n[method]\nkind = \"full\"\n"
              let shown = String.concat "\n" errors
              Expect.equal errors.Length 1 $"one error, got:\n{shown}"
              Expect.stringContains errors.Head "exp.toml:3:" "at the line of the open string"
          }

          test "an unclosed table header gets a complete message" {
              let errors = loadErrors "[train\niterations = 3\n"
              Expect.equal errors.Length 1 "one error"
              Expect.stringContains errors.Head "exp.toml:1:" "at the header"
              Expect.isFalse (errors.Head.TrimEnd().EndsWith "`") $"not cut off after a quote: {errors.Head}"
              Expect.stringContains errors.Head "while expecting" "says what was expected"
          }

          test "defaults fill a minimal spec" {
              let spec = loadOk minimal
              Expect.equal spec.Name "exp" "name defaults to the file name"
              Expect.equal spec.Seeds [ 0 ] "seeds default to [0]"
              Expect.equal spec.Variants.Length 1 "one implicit variant"
              let c = spec.Cells.Head.Config
              Expect.equal c.Train.Iterations 1000 "iterations default"
              Expect.equal c.Model.Features [ 32; 32; 64; 128; 256; 32 ] "features default"
              Expect.equal c.Optimizer.LearningRate 1e-2 "lr default"
          }

          test "the best checkpoint is selected by the method's headline output unless select_output names another" {
              let spec =
                  loadOk (
                      minimal
                      + "\n[[variant]]\nname = \"full\"\n\n[[variant]]\nname = \"FGI\"\nmethod = { kind = \"fgi\" }\n"
                      + "\n[[variant]]\nname = \"FGI by teacher\"\nmethod = { kind = \"fgi\" }\nevaluation.select_output = \"teacher\"\n"
                  )

              let selected =
                  spec.Cells |> List.map (fun c -> c.Variant, c.Config.Evaluation.SelectOutput)

              Expect.equal selected [ "full", Output.Model; "FGI", Output.Student; "FGI by teacher", Output.Teacher ] "per variant"

              for c in spec.Cells do
                  Expect.stringContains c.Canonical $"select_output = \"{c.Config.Evaluation.SelectOutput.Name}\"" "written out in the canonical text (the id)"
          }

          test "a key added later leaves the cell id unchanged at its default and changes it otherwise" {
              let fgi (extra: string) =
                  (loadOk (minimal.Replace("kind = \"full\"", "kind = \"fgi\"" + extra))).Cells.Head

              let before = fgi ""
              // the id this spec had before method.cwc_probability existed (main at 8aafd50)
              Expect.equal before.Id "a4d841244caa" "the id of an FGI cell is the one it had without the key"
              Expect.isFalse (before.Canonical.Contains "cwc_probability") "the default is not written"
              Expect.equal before.Config.Method (fgi "\ncwc_probability = \"sigmoid\"").Config.Method "the default is read back"
              Expect.equal (fgi "\ncwc_probability = \"sigmoid\"").Id before.Id "spelling out the default keeps the id"
              let softmax = fgi "\ncwc_probability = \"softmax2\""
              Expect.notEqual softmax.Id before.Id "another value is another cell"
              Expect.stringContains softmax.Canonical "cwc_probability = \"softmax2\"" "and is written"
          }

          test "train.precision and train.channels_last leave every cell id unchanged at their defaults and make new cells otherwise" {
              let cell (train: string) =
                  (loadOk (minimal.Replace("kind = \"full\"", "kind = \"fgi\"") + "\n[train]\n" + train)).Cells.Head

              let before = cell ""
              // the id main gave this FGI cell before either key existed (pinned by the test above, too)
              Expect.equal before.Id "a4d841244caa" "the id it had without the keys"
              Expect.isFalse (before.Canonical.Contains "precision" || before.Canonical.Contains "channels_last") "the defaults are not written"
              let spelt = cell "precision = \"fp32\"\nchannels_last = false\n"
              Expect.equal spelt.Id before.Id "spelling out the defaults keeps the id"
              Expect.equal spelt.Config.Train before.Config.Train "and reads the same"
              Expect.equal (before.Config.Train.Precision, before.Config.Train.ChannelsLast) (Fp32, false) "the defaults"
              let bf16 = cell "precision = \"bf16\"\n"
              let nhwc = cell "channels_last = true\n"
              Expect.equal bf16.Config.Train.Precision Bf16 "read"
              Expect.isTrue nhwc.Config.Train.ChannelsLast "read"
              Expect.stringContains bf16.Canonical "precision = \"bf16\"" "written when not the default"
              Expect.stringContains nhwc.Canonical "channels_last = true" "written when not the default"
              Expect.equal (List.distinct [ before.Id; bf16.Id; nhwc.Id ]).Length 3 "each is a cell of its own"
          }

          test "every error of a file is reported at once, sorted by position" {
              let errors =
                  loadErrors (minimal + "\n[train]\niterations = 0\nbatch_size = -1\nflips = \"yes\"\n")

              Expect.equal errors.Length 3 "three problems"

              Expect.equal
                  errors
                  [ "/virtual/exp.toml:9:1: train.iterations: must be between 1 and 10000000, got 0"
                    "/virtual/exp.toml:10:1: train.batch_size: must be between 1 and 4096, got -1"
                    "/virtual/exp.toml:11:1: train.flips: expected a boolean (true or false), got a string (\"yes\")" ]
                  "messages"
          }

          test "extends merges tables key by key and the child wins" {
              let reader =
                  memoryReader
                      [ "/v/base.toml", minimal + "[train]\niterations = 50\nbatch_size = 2\n"
                        "/v/sub/child.toml", "extends = \"../base.toml\"\n[train]\niterations = 7\n" ]

              match Spec.load reader Spec.defaultOptions "/v/sub/child.toml" with
              | Ok spec ->
                  Expect.equal spec.Cells.Head.Config.Train.Iterations 7 "child value"
                  Expect.equal spec.Cells.Head.Config.Train.BatchSize 2 "base value kept"
                  Expect.equal spec.Name "child" "name from the top file"
              | Error e -> failtestf "%A" (Spec.render e)
          }

          test "a method table whose kind changes is replaced, not merged" {
              let spec =
                  loadOk (
                      minimal.Replace("kind = \"full\"", "kind = \"gaze\"\nthreshold = 0.3")
                      + "\n[[variant]]\nname = \"full\"\nmethod = { kind = \"full\" }\n"
                  )

              Expect.equal spec.Cells.Head.Config.Method Full "threshold did not leak into the full method"
          }

          test "--set overrides keys, parses TOML values, takes bare words as strings" {
              let file = "/virtual/exp.toml"

              let options =
                  { Spec.defaultOptions with
                      Sets = [ "train.iterations=200"; "method.kind=gaze"; "method.threshold=0.4"; "seeds=[3,4]" ] }

              match Spec.load (memoryReader [ file, minimal ]) options file with
              | Ok spec ->
                  Expect.equal spec.Seeds [ 3; 4 ] "seeds"
                  Expect.equal spec.Cells.Head.Config.Train.Iterations 200 "iterations"
                  Expect.equal spec.Cells.Head.Config.Method (GazeSingle 0.4) "method"
              | Error e -> failtestf "%A" (Spec.render e)
          }

          test "--set errors name the override" {
              let file = "/virtual/exp.toml"

              let options =
                  { Spec.defaultOptions with
                      Sets = [ "train.itrations=5"; "train.batch_size=big"; "novalue" ] }

              match Spec.load (memoryReader [ file, minimal ]) options file with
              | Ok _ -> failtest "expected errors"
              | Error e ->
                  Expect.equal
                      (Spec.render e)
                      [ "--set novalue: expected key=value, e.g. --set train.iterations=200" ]
                      "a malformed override stops before validation"

              let options2 =
                  { Spec.defaultOptions with
                      Sets = [ "train.itrations=5"; "train.batch_size=big" ] }

              match Spec.load (memoryReader [ file, minimal ]) options2 file with
              | Ok _ -> failtest "expected errors"
              | Error e ->
                  Expect.equal
                      (Spec.render e |> List.sort)
                      [ "--set train.batch_size=big: train.batch_size: expected an integer, got a string (\"big\")"
                        "--set train.itrations=5: train.itrations: unknown key; did you mean `iterations`?" ]
                      "messages"
          }

          test "the layouts the spec accepts are exactly those the data readers know" {
              Expect.equal (Set.ofList CellToml.layouts) (Set.ofSeq GazeInsight.Imaging.Data.DatasetLayout.Names) "layouts"
          }

          test "the paper experiment files load (dry-run, without their data)" {
              for f in [ "synthetic"; "kvasir"; "prostate"; "isic"; "kvasir-thresholds" ] do
                  let file = Path.Combine(sourceDir, "..", "..", "experiments", f + ".toml")

                  match Spec.load Spec.diskReader { Spec.defaultOptions with CheckFiles = false } file with
                  | Ok spec -> Expect.isNonEmpty spec.Cells f
                  | Error e -> failtestf "%s: %A" f (Spec.render e)
          }

          test "a missing top-level file is an error naming it" {
              match Spec.load (memoryReader []) Spec.defaultOptions "/virtual/none.toml" with
              | Ok _ -> failtest "expected an error"
              | Error e -> Expect.equal (Spec.render e) [ "/virtual/none.toml: file not found" ] "message"
          }

          test "the good corpus loads and reordering keys changes no id" {
              let load f =
                  match Spec.load Spec.diskReader Spec.defaultOptions (Path.Combine(sourceDir, "specs", "good", f)) with
                  | Ok s -> s
                  | Error e -> failtestf "%A" (Spec.render e)

              let a = load "ablation.toml"
              let b = load "reordered.toml"
              Expect.equal a.Cells.Length (2 * 3 * 2) "seeds x variants x batch sizes"
              Expect.equal (b.Cells |> List.map _.Id) (a.Cells |> List.map _.Id) "same ids, same order"
              Expect.equal (a.Cells |> List.map _.Id |> List.distinct).Length a.Cells.Length "ids are unique"
          } ]
