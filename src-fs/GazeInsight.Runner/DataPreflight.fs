/// The data half of the preflight: every folder the cells of a sweep use is checked on disk
/// before any cell starts (files only, no pixels), and every problem of every folder comes back
/// at once, one line each, naming the file, the id or line, and what is wrong.
module GazeInsight.Runner.DataPreflight

open System
open System.IO
open GazeInsight.Experiments
open GazeInsight.Experiments.Preflight
open GazeInsight.Imaging.Data
open GazeInsight.Text.Embeddings

let private reads (m: MethodSpec) : Reads =
    let options = TorchEngine.methodOptions m

    { Gaze = GazeInsight.Torch.Methods.MethodFactory.ReadsGaze options
      Text = GazeInsight.Torch.Methods.MethodFactory.ReadsText options }

/// The training ids the validation split leaves, as training splits them.
let private trainingLeft (trainIds: Collections.Generic.IReadOnlyList<string>) (fraction: float) =
    try
        let struct (train, _) = SegmentationDataset.Split(trainIds, fraction, 0)
        Ok train.Count
    with :? ArgumentOutOfRangeException ->
        Error()

/// Every problem of one data folder.
let check (needs: DataNeeds) : string list =
    let report = DatasetPreflight.Run(needs.Root, needs.Layout, needs.GazeMaps)
    let trainFile = Path.Combine(needs.Root, "train.txt")

    let text =
        if needs.Text then
            let store = EmbeddingStore(needs.Root)
            let ids = Seq.append report.TrainIds report.TestIds |> List.ofSeq
            let present, absent = ids |> List.partition store.Exists

            let missing =
                absent
                |> List.map (fun id ->
                    $"{store.PathOf id}: id '{id}' has no text embedding, which the teacher reads in training and test (runner text embed --data {needs.Root})")

            missing @ List.ofSeq (store.Verify present)
        else
            []

    let splits =
        if report.TrainIds.Count = 0 then
            []
        else
            [ for fraction, batch in needs.Splits do
                  let n = report.TrainIds.Count

                  match trainingLeft report.TrainIds fraction with
                  | Error() ->
                      yield $"{trainFile}: data.validation_fraction = {Toml.formatFloat fraction} of its {n} ids leaves none to train on"
                  | Ok left when left < batch ->
                      yield
                          $"{trainFile}: data.validation_fraction = {Toml.formatFloat fraction} leaves {left} of its {n} ids to train on, fewer than train.batch_size = {batch}"
                  | Ok _ -> () ]

    List.ofSeq report.Problems @ text @ splits

/// Every problem of every folder the cells use (folders that do not exist are skipped when
/// `skipMissing`: a dry run on a machine without the data).
let run (skipMissing: bool) (cells: Cell list) : string list =
    dataNeeds reads cells
    |> List.filter (fun n -> not skipMissing || Directory.Exists n.Root)
    |> List.collect check
