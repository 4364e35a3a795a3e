/// Verify before compute: what every data folder of a sweep must provide, derived from its
/// cells (pure). The runner checks it on disk before any cell starts (Runner/DataPreflight.fs)
/// and reports every problem of every folder at once.
module GazeInsight.Experiments.Preflight

/// What a method reads besides images and masks (decided by the C# MethodFactory; passed in).
type Reads = { Gaze: bool; Text: bool }

/// What the cells that use one data folder need from it.
type DataNeeds =
    { Root: string
      Layout: string
      /// Gaze map folders (data.gaze_map) in which every training id needs a map: those of the
      /// cells whose method trains on gaze.
      GazeMaps: string list
      /// Every id, test ones included, needs embeddings/<id>.npy, all of one size D.
      Text: bool
      /// Distinct (validation_fraction, batch_size): the training ids left after the validation
      /// split must fill one batch.
      Splits: (float * int) list
      /// The rows that use the folder, for the report.
      Rows: string list }

/// One entry per distinct (root, layout) of the cells' folder data, in first-use order. The
/// synthetic sets are left out: the generator makes them complete.
let dataNeeds (reads: MethodSpec -> Reads) (cells: Cell list) : DataNeeds list =
    cells
    |> List.choose (fun c ->
        match c.Config.Data.Source with
        | Folder(root, layout) -> Some((root, layout), c)
        | Synthetic _ -> None)
    |> List.groupBy fst
    |> List.map (fun ((root, layout), uses) ->
        let cells = uses |> List.map snd
        let needs (c: Cell) = reads c.Config.Method

        { Root = root
          Layout = layout
          GazeMaps = cells |> List.filter (fun c -> (needs c).Gaze) |> List.map _.Config.Data.GazeMap |> List.distinct
          Text = cells |> List.exists (fun c -> (needs c).Text)
          Splits =
            cells
            |> List.map (fun c -> c.Config.Data.ValidationFraction, c.Config.Train.BatchSize)
            |> List.distinct
          Rows = cells |> List.map _.Row |> List.distinct })
