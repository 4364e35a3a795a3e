/// Predictions of a trained cell, for `runner predict` and the report's gallery: the networks the
/// cell's own request builds (MethodFactory, as training builds them) at one of its checkpoints,
/// with text where its method reads it, written by PredictionWriter (masks, overlays, attention).
module GazeInsight.Runner.CellPrediction

open System
open System.Collections.Generic
open System.IO
open GazeInsight.Experiments
open GazeInsight.Imaging
open GazeInsight.Imaging.Data
open GazeInsight.Torch.Inference
open GazeInsight.Torch.Methods
open GazeInsight.Torch.Training

/// Predicts `ids` of `dataset` with the cell in `cellDir` (its config `cfg`) from the checkpoint
/// folder `folder` and writes them under `outDir`. Ok: how many images; Error: one-line problems
/// (missing embeddings, a missing network file).
let write
    (cellDir: string)
    (cfg: CellConfig)
    (folder: string)
    (dataset: SegmentationDataset)
    (ids: IReadOnlyList<string>)
    (output: Output)
    (deviceName: string)
    (device: TorchSharp.torch.Device)
    (outDir: string)
    : Result<int, string list> =
    // the teacher reads text at test time too: every id needs its embedding file, of one size D
    let textProblems =
        if TorchEngine.needsText cfg then
            GazeInsight.Text.Embeddings.EmbeddingStore(dataset.Root).Verify(ids) |> List.ofSeq
        else
            []

    if not textProblems.IsEmpty then
        Error(
            textProblems
            @ [ $"{dataset.Root}: this cell's method reads text embeddings for every image (make them with runner text embed --data DIR)" ]
        )
    else
        // the cell's own request (one mapping, TorchEngine's) with the data to predict on
        let request = TorchEngine.requestAt cfg (dataset.Root, dataset.Layout.Name) deviceName cellDir
        let shape = MethodFactory.ShapeForPrediction(CheckpointStore(cellDir).ReadDataShape(), dataset, ids, request.Method)
        use method = MethodFactory.Create(request, shape, device)

        match method.Networks.Keys |> Seq.map (fun n -> Path.Combine(folder, n + ".bin")) |> Seq.filter (File.Exists >> not) |> List.ofSeq with
        | missing :: _ ->
            Error [ $"{missing}: missing: this cell's method needs every one of its networks (runner import-checkpoint --config ... --network NAME adds one)" ]
        | [] ->
            method.Load(folder, false)
            let text (id: string) = TextEmbeddingFile.TryRead(dataset.EmbeddingPath id)
            Ok(PredictionWriter.Write(method, TorchEngine.output output, dataset, ids, cfg.Data.ImageSize, device, Func<_, _> text, outDir))
