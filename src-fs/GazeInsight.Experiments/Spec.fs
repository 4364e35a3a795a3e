/// Loading an experiment: `extends` composition, `--set` overrides, validation of the whole
/// file into typed values (every problem reported at once), and the cells of its grid.
module GazeInsight.Experiments.Spec

open System
open System.IO
open System.Text.RegularExpressions
open GazeInsight.Experiments.Toml
open GazeInsight.Experiments.Fields

/// Reads a file's text; Error carries the reason ("file not found").
type FileReader = string -> Result<string, string>

/// Reads from disk.
let diskReader: FileReader =
    fun path ->
        try
            if File.Exists path then Ok(File.ReadAllText path) else Error "file not found"
        with e ->
            Error e.Message

/// Keys of a cell document that only the experiment file has.
let private experimentKeys =
    [ "name"; "description"; "extends"; "seeds"; "runtime"; "variant"; "grid"; "table" ]

let topLevelKeys = experimentKeys @ CellToml.sections

let private parseFile (read: FileReader) (file: string) (at: Pos option) : Result<Node, SpecError list> =
    match read file with
    | Error reason ->
        Error
            [ { Pos = at
                File = file
                Path = (if at.IsSome then "extends" else "")
                Message = (if at.IsSome then $"{reason}: {file}" else reason) } ]
    | Ok text -> Toml.parse file text

/// Follows `extends` (a path relative to the extending file) to the root, merging on the way.
let rec private compose (read: FileReader) (file: string) (chain: string list) (at: Pos option) : Result<Node, SpecError list> =
    match parseFile read file at with
    | Error e -> Error e
    | Ok doc ->
        match tryGet "extends" doc with
        | None -> Ok doc
        | Some ext ->
            match ext.Value with
            | Str rel ->
                let parent = Path.GetFullPath(Path.Combine(dirOf file, rel))

                if List.contains parent (file :: chain) then
                    let cycle =
                        (List.rev (file :: chain) @ [ parent ]) |> List.map Path.GetFileName

                    Error
                        [ { Pos = ext.Pos
                            File = file
                            Path = "extends"
                            Message = "cycle: " + String.Join(" -> ", cycle) } ]
                else
                    compose read parent (file :: chain) ext.Pos
                    |> Result.map (fun baseDoc -> merge baseDoc (without "extends" doc))
            | other ->
                Error
                    [ { Pos = ext.Pos
                        File = file
                        Path = "extends"
                        Message = $"expected a string (a path relative to this file), got {typeName other}" } ]

/// Applies `key=value` overrides (values parsed as TOML; bare words as strings).
let private applySets (sets: string list) (doc: Node) : Result<Node, SpecError list> =
    let errors = ResizeArray()
    let mutable result = doc

    for set in sets do
        let eq = set.IndexOf '='

        if eq <= 0 then
            errors.Add
                { Pos = None
                  File = $"--set {set}"
                  Path = ""
                  Message = "expected key=value, e.g. --set train.iterations=200" }
        else
            let key = set.Substring(0, eq).Trim()
            let text = set.Substring(eq + 1).Trim()
            let origin = $"--set {set}"

            let value =
                { Value = parseValue origin text
                  Pos = Some { File = origin; Line = 0; Column = 0 } }

            result <- setPath (key.Split('.') |> List.ofArray) value result

    if errors.Count > 0 then Error(List.ofSeq errors) else Ok result

let private nameRegex = Regex("^[A-Za-z0-9][A-Za-z0-9._-]*$")

let private safeName: Conv<string> =
    fun s path n ->
        match nonEmptyStr s path n with
        | Some v when nameRegex.IsMatch v -> Some v
        | Some v ->
            fail s n.Pos path $"must be letters, digits, '.', '_' or '-' (it names a folder), got \"{v}\""
            None
        | None -> None

/// The one rule for device names, for `runtime.device` and every command's `--device`.
let checkDevice (v: string) : Result<string, string> =
    if Regex.IsMatch(v, "^(auto|cpu|cuda|cuda:[0-9]+)$") then
        Ok v
    else
        Error $"expected \"auto\", \"cpu\", \"cuda\" or \"cuda:N\", got \"{v}\""

let private device: Conv<string> =
    fun s path n ->
        match str s path n with
        | Some v ->
            match checkDevice v with
            | Ok v -> Some v
            | Error problem ->
                fail s n.Pos path problem
                None
        | None -> None

/// A string that must match `pattern` (described as `what` in the message).
let private matching (pattern: string) (what: string) : Conv<string> =
    fun s path n ->
        match nonEmptyStr s path n with
        | Some v when Regex.IsMatch(v, pattern) -> Some v
        | Some v ->
            fail s n.Pos path $"expected {what}, got \"{v}\""
            None
        | None -> None

/// One line of a job script: no line break inside.
let private oneLine: Conv<string> =
    fun s path n ->
        match str s path n with
        | Some v when v.Contains '\n' || v.Contains '\r' ->
            fail s n.Pos path "must be one line (write several as an array of strings)"
            None
        | other -> other

let executorKinds = [ "local", RunLocally; "slurm", RunOnSlurm ]

/// `[runtime.slurm]`: what each array task asks the cluster for (docs/slurm.md).
let private readSlurm (s: Scope) (n: Node) : SlurmSpec =
    let path = "runtime.slurm"
    let d = SlurmSpec.Defaults

    match table s path n with
    | None -> d
    | Some t ->
        checkKeys s path t [ "partition"; "account"; "time"; "cpus"; "mem"; "gpus"; "max_parallel"; "extra"; "setup"; "signal_seconds"; "requeue" ]
        let some conv = fun s p n -> conv s p n |> Option.map Some
        let word = matching "^[A-Za-z0-9._,-]+$" "a name (letters, digits, '.', '_', '-', ',')"

        let extraLine =
            fun s p n ->
                match oneLine s p n with
                | Some v when v.StartsWith "-" -> Some v
                | Some v ->
                    fail s n.Pos p $"expected an sbatch option such as \"--constraint=a100\", got \"{v}\""
                    None
                | None -> None

        let setup: Conv<string list> =
            fun s p n ->
                match n.Value with
                | Str _ -> oneLine s p n |> Option.map List.singleton
                | _ -> listOf oneLine s p n

        { Partition = opt s path t "partition" (some word) None
          Account = opt s path t "account" (some word) None
          Time = opt s path t "time" (some (matching "^([0-9]+-)?[0-9]+(:[0-9]+){0,2}$" "a Slurm time limit such as \"90\", \"04:00:00\" or \"1-12:00:00\"")) None
          Cpus = opt s path t "cpus" (some (intIn 1 4096)) None
          Mem = opt s path t "mem" (some (matching "^[0-9]+[KMGT]?$" "memory such as \"16G\" or \"4000M\"")) None
          Gpus = opt s path t "gpus" (some (intIn 0 64)) None
          MaxParallel = opt s path t "max_parallel" (some (intIn 1 100000)) None
          Extra = opt s path t "extra" (listOf extraLine) []
          Setup = opt s path t "setup" setup []
          SignalSeconds = opt s path t "signal_seconds" (intIn 0 3600) d.SignalSeconds
          Requeue = opt s path t "requeue" boolean d.Requeue }

let private readVariants (s: Scope) (doc: Node) : Variant list =
    match tryGet "variant" doc with
    | None ->
        [ { Name = "base"
            Description = ""
            Overrides = node (Tab [])
            Pos = None } ]
    | Some vn ->
        match vn.Value with
        | Arr items ->
            let variants =
                items
                |> List.mapi (fun i item ->
                    let path = $"variant[{i}]"

                    match table s path item with
                    | None -> None
                    | Some t ->
                        checkKeys s path t ([ "name"; "description" ] @ CellToml.sections)
                        let name = req s path t "name" "a string naming the row" nonEmptyStr
                        let desc = opt s path t "description" str ""

                        name
                        |> Option.map (fun name ->
                            { Name = name
                              Description = desc
                              Overrides = t |> without "name" |> without "description"
                              Pos = item.Pos }))
                |> List.choose id

            let seen = Collections.Generic.HashSet<string>()

            for v, item in List.zip variants (items |> List.take variants.Length) do
                if not (seen.Add v.Name) then
                    fail s item.Pos "variant" $"variant name \"{v.Name}\" is used twice"

            variants
        | _ ->
            wrongType s "variant" vn "an array of tables ([[variant]])"
            []

/// Grid axes: every leaf of [grid] is an axis (written `"method.threshold" = [...]` or as
/// nested tables); each holds a non-empty array of values.
let private readAxes (s: Scope) (doc: Node) : Axis list =
    match tryGet "grid" doc with
    | None -> []
    | Some g ->
        match table s "grid" g with
        | None -> []
        | Some g ->
            let rec leaves (prefix: string list) (n: Node) =
                match n.Value with
                | Tab items ->
                    [ for k, v in items do
                          let parts = (k.Split('.') |> List.ofArray)
                          yield! leaves (prefix @ parts) v ]
                | _ -> [ prefix, n ]

            [ for path, n in leaves [] g do
                  let key = String.Join(".", path)
                  let shown = "grid." + formatKey key

                  match path with
                  | ("seed" | "seeds") :: _ -> fail s n.Pos shown "seeds are not a grid axis; use seeds = [...] at the top level"
                  | first :: _ when not (List.contains first CellToml.sections) ->
                      match suggest first CellToml.sections with
                      | Some near -> fail s n.Pos shown $"unknown section `{first}`; did you mean `{near}`?"
                      | None ->
                          let all = String.Join(", ", CellToml.sections)
                          fail s n.Pos shown $"unknown section `{first}`; expected one of: {all}"
                  | _ ->
                      match n.Value with
                      | Arr [] -> fail s n.Pos shown "an axis needs at least one value"
                      | Arr values -> yield { Path = path; Values = values }
                      | other -> fail s n.Pos shown $"expected an array of values for this axis, got {typeName other}" ]

/// Tables; `outputsOf` gives the outputs every cell of a variant has (None when its configs did
/// not read), so that a row naming an output its method lacks is an error here, not a "missing" row.
let private readTables
    (s: Scope)
    (doc: Node)
    (variants: Variant list)
    (outputsOf: string -> (Output list * Output) option)
    : TableSpec list =
    let names = variants |> List.map _.Name

    let lacks (variant: string) (output: Output) =
        match outputsOf variant with
        | Some(outputs, _) when not (List.contains output outputs) ->
            let all = String.Join(", ", outputs |> List.map (fun o -> $"\"{o.Name}\""))
            Some $"variant \"{variant}\" has no output \"{output.Name}\" (its method's outputs are {all})"
        | _ -> None

    /// A row reference: "variant" or "variant:output", shown in a table whose output is `tableOutput`.
    let rowRef (tableOutput: Output) : Conv<RowRef> =
        fun s path n ->
            match str s path n with
            | Some row ->
                let variant, output =
                    match row.LastIndexOf ':' with
                    | i when i > 0 && List.contains (row.Substring(0, i)) names -> row.Substring(0, i), Some(row.Substring(i + 1))
                    | _ -> row, None

                if not (List.contains variant names) then
                    match suggest variant names with
                    | Some near -> fail s n.Pos path $"no variant named \"{variant}\"; did you mean \"{near}\"?"
                    | None ->
                        let all = String.Join(", ", names |> List.map (sprintf "\"%s\""))
                        fail s n.Pos path $"no variant named \"{variant}\"; variants are {all}"

                    None
                else
                    match output with
                    | None ->
                        match lacks variant tableOutput with
                        | Some problem ->
                            fail s n.Pos path $"{problem}; name the output, e.g. \"{variant}:{(snd (outputsOf variant).Value).Name}\""
                            None
                        | None -> Some { Variant = variant; Output = None }
                    | Some name ->
                        match Output.TryParse name with
                        | Some o ->
                            match lacks variant o with
                            | Some problem ->
                                fail s n.Pos path problem
                                None
                            | None -> Some { Variant = variant; Output = Some o }
                        | None ->
                            let all = String.Join(", ", Output.All |> List.map (fun o -> $"\"{o.Name}\""))
                            fail s n.Pos path $"unknown output \"{name}\" in \"{row}\"; outputs are {all}"
                            None
            | None -> None

    let defaultTable =
        { Name = "main"
          Caption = ""
          Rows = None
          Metrics = [ Metric.Dice; Metric.IoU ]
          Output = Output.Model
          Checkpoint = Best
          Significance = None }

    match tryGet "table" doc with
    | None -> [ defaultTable ]
    | Some tn ->
        match tn.Value with
        | Arr items ->
            let tables =
                items
                |> List.mapi (fun i item ->
                    let path = $"table[{i}]"

                    match table s path item with
                    | None -> None
                    | Some t ->
                        checkKeys
                            s
                            path
                            t
                            [ "name"; "caption"; "rows"; "metrics"; "output"; "checkpoint"; "baseline"; "test"; "over" ]

                        let name = req s path t "name" "a string (the table's file name)" safeName
                        let output = opt s path t "output" (choiceOf (Output.All |> List.map (fun o -> o.Name, o))) Output.Model
                        // with grid axes a row is compared with the baseline variant's grid point of the
                        // same assignment, else its first one (docs/experiments.md)
                        let baseline = opt s path t "baseline" (fun s p n -> rowRef output s p n |> Option.map Some) None
                        let rows = opt s path t "rows" (fun s p n -> nonEmptyList (rowRef output) s p n |> Option.map Some) None

                        if (tryGet "rows" t).IsNone then
                            for v in names do
                                match lacks v output with
                                | Some problem ->
                                    fail s (at t "output" |> Option.orElse item.Pos) (join path "rows")
                                        $"{problem}; without rows every variant is shown with output \"{output.Name}\": list the rows, e.g. \"{v}:{(snd (outputsOf v).Value).Name}\""
                                | None -> ()

                        let test = opt s path t "test" (choiceOf [ "wilcoxon", Wilcoxon; "t", PairedT ]) Wilcoxon
                        let over = opt s path t "over" (choiceOf [ "cases", Cases; "seeds", Seeds ]) Cases

                        let sigKeys = [ "test"; "over" ] |> List.filter (fun k -> (tryGet k t).IsSome)

                        if baseline.IsNone && not sigKeys.IsEmpty then
                            let k = sigKeys.Head
                            fail s (tryGet k t).Value.Pos (join path k) "only meaningful with baseline = \"<variant>\""

                        name
                        |> Option.map (fun name ->
                            { Name = name
                              Caption = opt s path t "caption" str ""
                              Rows = rows
                              Metrics =
                                opt s path t "metrics" (nonEmptyList (choiceOf (Metric.All |> List.map (fun m -> m.Name, m)))) [ Metric.Dice; Metric.IoU ]
                              Output = output
                              Checkpoint = opt s path t "checkpoint" (choiceOf (Checkpoint.All |> List.map (fun c -> c.Name, c))) Best
                              Significance =
                                baseline
                                |> Option.map (fun b -> { Baseline = b; Test = test; Over = over }) }))
                |> List.choose id

            let seen = Collections.Generic.HashSet<string>()

            for t, item in List.zip tables (items |> List.take tables.Length) do
                if not (seen.Add t.Name) then
                    fail s item.Pos "table" $"table name \"{t.Name}\" is used twice"

            tables
        | _ ->
            wrongType s "table" tn "an array of tables ([[table]])"
            []

/// Options of `load`.
type LoadOptions =
    { /// `key=value` overrides, applied to the composed document before variants and grid.
      Sets: string list
      /// Check that data folders exist (off for --dry-run on a machine without the data).
      CheckFiles: bool }

let defaultOptions = { Sets = []; CheckFiles = true }

/// Loads, composes and validates an experiment file; all problems at once, or the spec with its cells.
let load (read: FileReader) (options: LoadOptions) (file: string) : Result<ExperimentSpec, SpecError list> =
    let file = Path.GetFullPath file

    match compose read file [] None |> Result.bind (applySets options.Sets) with
    | Error e -> Error e
    | Ok doc ->
        let s = newScope file
        checkKeys s "" doc topLevelKeys
        let name = opt s "" doc "name" safeName (nn (Path.GetFileNameWithoutExtension file))
        let description = opt s "" doc "description" str ""

        let seeds =
            match tryGet "seeds" doc with
            | None -> [ 0 ]
            | Some n ->
                match nonEmptyList (intIn 0 Int32.MaxValue) s "seeds" n with
                | Some l ->
                    if (List.distinct l).Length <> l.Length then
                        fail s n.Pos "seeds" "a seed is listed twice"

                    l
                | None -> [ 0 ]

        let runtime =
            let defaults =
                { Device = "auto"
                  Threads = None
                  Executor = RunLocally
                  Slurm = SlurmSpec.Defaults }

            match tryGet "runtime" doc with
            | None -> defaults
            | Some r ->
                match table s "runtime" r with
                | Some r ->
                    checkKeys s "runtime" r [ "device"; "threads"; "executor"; "slurm" ]

                    { Device = opt s "runtime" r "device" device "auto"
                      Threads = tryGet "threads" r |> Option.bind (intIn 1 1024 s "runtime.threads")
                      Executor = opt s "runtime" r "executor" (choiceOf executorKinds) RunLocally
                      Slurm =
                        match tryGet "slurm" r with
                        | Some n -> readSlurm s n
                        | None -> SlurmSpec.Defaults }
                | None -> defaults

        let variants = readVariants s doc
        let axes = readAxes s doc
        let baseDoc = experimentKeys |> List.fold (fun d k -> without k d) doc
        let baseDir = dirOf file
        let resolve = CellToml.relativeToWritingFile baseDir

        // Validate each (variant, grid point) once; seeds only change the seed.
        let points =
            [ for v in variants do
                  for combo in Grid.combinations axes do
                      let docu = Grid.document baseDoc v combo
                      let cfg = CellToml.read s resolve options.CheckFiles docu

                      let assignment =
                          combo |> List.map (fun (a, value) -> a.Key, formatInline value.Value)

                      yield v, assignment, cfg ]

        let outputsOf (variant: string) =
            let configs = points |> List.filter (fun (v, _, _) -> v.Name = variant) |> List.map (fun (_, _, c) -> c)

            if configs.IsEmpty || configs |> List.exists Option.isNone then
                None
            else
                let methods = configs |> List.map (fun c -> c.Value.Method)
                let common = Output.All |> List.filter (fun o -> methods |> List.forall (fun m -> List.contains o (MethodOutputs.all m)))
                Some(common, MethodOutputs.headline methods.Head)

        let tables = readTables s doc variants outputsOf

        let cells =
            [ for v, assignment, cfg in points do
                  match cfg with
                  | Some cfg ->
                      for seed in seeds do
                          let c = { cfg with Seed = seed }
                          let text = CellToml.canonical baseDir c

                          yield
                              { Id = RunId.ofCanonical text
                                Variant = v.Name
                                Assignment = assignment
                                Seed = seed
                                Config = c
                                Canonical = text }
                  | None -> () ]

        // Two rows that compute the same thing would share results silently: say so (only on
        // an otherwise valid spec, where it is not a knock-on effect of another mistake).
        if s.Errors.Count = 0 then
            for _, group in cells |> List.groupBy _.Id do
                match group with
                | a :: b :: _ when a.Row <> b.Row ->
                    let pos = variants |> List.tryFind (fun v -> v.Name = b.Variant) |> Option.bind _.Pos
                    fail s pos "variant" $"rows \"{a.Row}\" and \"{b.Row}\" resolve to the same configuration (cell {a.Id})"
                | _ -> ()

        if s.Errors.Count > 0 then
            Error(List.ofSeq s.Errors)
        else
            Ok
                { Name = name
                  Description = description
                  File = file
                  Seeds = seeds
                  Variants = variants
                  Axes = axes
                  Tables = tables
                  Runtime = runtime
                  Cells = cells
                  Base = baseDoc }

/// Renders errors one per line, sorted by file and position.
let render (errors: SpecError list) =
    errors
    |> List.sortBy (fun e ->
        match e.Pos with
        | Some p -> p.File, p.Line, p.Column
        | None -> e.File, 0, 0)
    |> List.map _.Render()
