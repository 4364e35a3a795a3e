/// Tiny data sets on disk in the layouts the runner reads, for end-to-end tests: bright squares
/// on a dark background (generic RGB) or MRI slices (nci-isbi, DICOM), with masks, gaze maps and,
/// on request, text embeddings of any size D.
module GazeInsight.Runner.Tests.TinyData

open System
open System.IO
open GazeInsight.Imaging.IO

/// A real 64x64 MR slice (pydicom's MR_small, see the Imaging tests' TestData/README.md).
let private mrSlice =
    Path.Combine(__SOURCE_DIRECTORY__, "..", "GazeInsight.Imaging.Tests", "IO", "TestData", "dicom", "MR_small.dcm")

/// A square's mask and a gaze map peaking on it, per id (the same picture for the same index).
let private square (rng: Random) (size: int) =
    let side = rng.Next(size / 4, size / 2)
    let top, left = rng.Next(0, size - side), rng.Next(0, size - side)
    let inside y x = y >= top && y < top + side && x >= left && x < left + side

    let mask = Array.init (size * size) (fun i -> if inside (i / size) (i % size) then 255uy else 0uy)

    let gaze =
        Array.init (size * size) (fun i ->
            let dy, dx = float (i / size) - (float top + float side / 2.0), float (i % size) - (float left + float side / 2.0)
            byte (Math.Clamp(255.0 * exp (-(dx * dx + dy * dy) / (float (side * side) / 2.0)), 0.0, 255.0)))

    inside, mask, gaze

let private ids (train: int) (test: int) = [ for i in 0 .. train + test - 1 -> $"case{i:D3}" ]

let private writeSplits (root: string) (all: string list) (train: int) =
    File.WriteAllLines(Path.Combine(root, "train.txt"), all |> List.take train)
    File.WriteAllLines(Path.Combine(root, "test.txt"), all |> List.skip train)

let private folders (root: string) =
    for f in [ "images"; "masks"; Path.Combine("gaze", "heatmap") ] do
        Directory.CreateDirectory(Path.Combine(root, f)) |> ignore

/// A generic-layout RGB set; returns its ids (train first).
let writeRgb (root: string) (train: int) (test: int) (size: int) =
    folders root
    let rng = Random 42
    let all = ids train test

    for id in all do
        let inside, mask, gaze = square rng size

        let rgb =
            Array.init (size * size * 3) (fun i ->
                let p = i / 3
                byte ((if inside (p / size) (p % size) then 180 else 40) + rng.Next(0, 40)))

        ImageFile.WriteRgb8(Path.Combine(root, "images", id + ".png"), size, size, rgb)
        ImageFile.WriteGray8(Path.Combine(root, "masks", id + ".png"), size, size, mask)
        ImageFile.WriteGray8(Path.Combine(root, "gaze", "heatmap", id + ".png"), size, size, gaze)

    writeSplits root all train
    all

/// An nci-isbi-layout set of 1-channel MRI slices (the same slice, different masks); returns its ids.
let writeMri (root: string) (train: int) (test: int) =
    folders root
    let rng = Random 7
    let all = ids train test
    let size = 64

    for id in all do
        let _, mask, gaze = square rng size
        File.Copy(mrSlice, Path.Combine(root, "images", id + ".dcm"))
        ImageFile.WriteGray8(Path.Combine(root, "masks", id + ".png"), size, size, mask)
        ImageFile.WriteGray8(Path.Combine(root, "gaze", "heatmap", id + ".png"), size, size, gaze)

    writeSplits root all train
    all

/// embeddings/<id>.npy of shape (L, dim), L varying per id, random values.
let writeEmbeddings (root: string) (ids: string list) (dim: int) =
    let folder = Path.Combine(root, "embeddings")
    Directory.CreateDirectory folder |> ignore
    let rng = Random dim

    for id in ids do
        let length = rng.Next(2, 6)
        let values = Array.init (length * dim) (fun _ -> float32 (rng.NextDouble() - 0.5))
        NpyFile.WriteFloat32(Path.Combine(folder, id + ".npy"), values, [| length; dim |])
