module GazeInsight.Experiments.Tests.Helpers

open System
open System.IO
open GazeInsight.Experiments

/// The test project's source folder (spec corpus, golden files).
let sourceDir = __SOURCE_DIRECTORY__

/// Set GI_UPDATE_GOLDEN=1 to rewrite golden files from the current output (then review the diff).
let updateGolden = Environment.GetEnvironmentVariable "GI_UPDATE_GOLDEN" = "1"

/// An in-memory file system for spec loading: absolute path -> text.
let memoryReader (files: (string * string) list) : Spec.FileReader =
    let map = files |> List.map (fun (p, t) -> Path.GetFullPath p, t) |> Map.ofList

    fun path ->
        match Map.tryFind (Path.GetFullPath path) map with
        | Some t -> Ok t
        | None -> Error "file not found"

let loadText (text: string) =
    let file = "/virtual/exp.toml"
    Spec.load (memoryReader [ file, text ]) Spec.defaultOptions file

let loadOk (text: string) =
    match loadText text with
    | Ok s -> s
    | Error e -> failwithf "expected a valid spec, got:\n%s" (String.Join("\n", Spec.render e))

let loadErrors (text: string) =
    match loadText text with
    | Ok _ -> failwith "expected errors, the spec loaded"
    | Error e -> Spec.render e

/// A fresh temporary folder, deleted on dispose.
type TempDir() =
    let path = Path.Combine(Path.GetTempPath(), "gi-exp-tests-" + Guid.NewGuid().ToString("N"))
    do Directory.CreateDirectory path |> ignore
    member _.Path = path

    interface IDisposable with
        member _.Dispose() =
            try
                Directory.Delete(path, true)
            with _ ->
                ()

/// Compares text with a golden file (or writes it in update mode).
let golden (file: string) (actual: string) =
    let path = Path.Combine(sourceDir, "golden", file)

    if updateGolden || not (File.Exists path) && updateGolden then
        Directory.CreateDirectory(Path.GetDirectoryName path |> nonNull) |> ignore
        File.WriteAllText(path, actual)
    else
        let expected =
            if File.Exists path then File.ReadAllText path else failwithf "golden file %s is missing (run with GI_UPDATE_GOLDEN=1 and review it)" path

        Expecto.Expect.equal (actual.Replace("\r\n", "\n")) (expected.Replace("\r\n", "\n")) $"golden file {file}"
