/// Grid expansion, apart from execution (as Hydra separates sweeps from launching):
/// seeds x variants x cartesian axes, as TOML documents ready to validate.
module GazeInsight.Experiments.Grid

open GazeInsight.Experiments.Toml

/// Every combination of axis values, first axis outermost; one empty combination without axes.
let combinations (axes: Axis list) : (Axis * Node) list list =
    List.foldBack (fun (axis: Axis) acc -> [ for v in axis.Values do for rest in acc -> (axis, v) :: rest ]) axes [ [] ]

/// The document of one grid point: base, then the variant's overrides, then the axis values.
let document (baseDoc: Node) (variant: Variant) (combination: (Axis * Node) list) =
    let withVariant = merge baseDoc variant.Overrides

    combination
    |> List.fold (fun doc (axis, value) -> setPath axis.Path value doc) withVariant

/// The number of cells a grid makes.
let count (seeds: int list) (variants: Variant list) (axes: Axis list) =
    seeds.Length * variants.Length * (axes |> List.fold (fun acc a -> acc * a.Values.Length) 1)
