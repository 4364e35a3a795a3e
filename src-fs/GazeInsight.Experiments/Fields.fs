/// Validation helpers over the TOML tree: typed reads that collect every problem (with the
/// key's position, its path, what was expected and a "did you mean") instead of stopping.
module GazeInsight.Experiments.Fields

open System
open GazeInsight.Experiments.Toml

/// Where problems are collected. `Context` (e.g. "in variant `gaze`") is appended to messages.
type Scope =
    { Errors: ResizeArray<SpecError>
      File: string
      Context: string }

let newScope file =
    { Errors = ResizeArray()
      File = file
      Context = "" }

let join (path: string) (key: string) =
    let k = formatKey key
    if String.IsNullOrEmpty path then k else path + "." + k

let fail (s: Scope) (pos: Pos option) (path: string) (message: string) =
    let msg =
        if String.IsNullOrEmpty s.Context then
            message
        else
            $"{message} ({s.Context})"

    let e =
        { Pos = pos
          File = s.File
          Path = path
          Message = msg }

    if not (s.Errors.Contains e) then
        s.Errors.Add e

/// Edit distance counting a swap of two neighbours as one edit (optimal string alignment),
/// so that "trian" is one edit from "train".
let private distance (a: string) (b: string) =
    let d = Array2D.zeroCreate (a.Length + 1) (b.Length + 1)

    for i in 0 .. a.Length do
        d[i, 0] <- i

    for j in 0 .. b.Length do
        d[0, j] <- j

    for i in 1 .. a.Length do
        for j in 1 .. b.Length do
            let cost = if a[i - 1] = b[j - 1] then 0 else 1
            d[i, j] <- min (min (d[i - 1, j] + 1) (d[i, j - 1] + 1)) (d[i - 1, j - 1] + cost)

            if i > 1 && j > 1 && a[i - 1] = b[j - 2] && a[i - 2] = b[j - 1] then
                d[i, j] <- min d[i, j] (d[i - 2, j - 2] + 1)

    d[a.Length, b.Length]

/// The closest candidate within a third of the word's length (at least 1, at most 3 edits),
/// else a candidate the word is a prefix of ("batch" -> "batch_size").
let suggest (word: string) (candidates: string seq) =
    let w = word.ToLowerInvariant()
    let limit = max 1 (min 3 (w.Length / 3))

    let near =
        candidates
        |> Seq.map (fun c -> c, distance w (c.ToLowerInvariant()))
        |> Seq.filter (fun (_, d) -> d <= limit)
        |> Seq.sortBy snd
        |> Seq.tryHead
        |> Option.map fst

    match near with
    | Some _ -> near
    | None when w.Length >= 3 -> candidates |> Seq.tryFind (fun c -> c.ToLowerInvariant().StartsWith w)
    | None -> None

/// Reports every key of a table that is not allowed.
let checkKeys (s: Scope) (path: string) (n: Node) (allowed: string list) =
    match n.Value with
    | Tab items ->
        for k, v in items do
            if not (List.contains k allowed) then
                match suggest k allowed with
                | Some near -> fail s v.Pos (join path k) $"unknown key; did you mean `{near}`?"
                | None ->
                    let expected = String.Join(", ", allowed |> List.sort)
                    fail s v.Pos (join path k) $"unknown key; expected one of: {expected}"
    | _ -> ()

let private shown (v: Value) =
    let text = formatInline v
    if text.Length > 40 then text.Substring(0, 37) + "..." else text

let wrongType (s: Scope) (path: string) (n: Node) (expected: string) =
    fail s n.Pos path $"expected {expected}, got {typeName n.Value} ({shown n.Value})"

/// A value reader: given scope, path and node, returns the value or records why not.
type Conv<'a> = Scope -> string -> Node -> 'a option

let str: Conv<string> =
    fun s path n ->
        match n.Value with
        | Str v -> Some v
        | _ ->
            wrongType s path n "a string"
            None

let nonEmptyStr: Conv<string> =
    fun s path n ->
        match str s path n with
        | Some "" ->
            fail s n.Pos path "must not be empty"
            None
        | other -> other

let boolean: Conv<bool> =
    fun s path n ->
        match n.Value with
        | Bool v -> Some v
        | _ ->
            wrongType s path n "a boolean (true or false)"
            None

let intIn (lo: int) (hi: int) : Conv<int> =
    fun s path n ->
        match n.Value with
        | Int v when v >= int64 lo && v <= int64 hi -> Some(int v)
        | Int v ->
            fail s n.Pos path $"must be between {lo} and {hi}, got {v}"
            None
        | _ ->
            wrongType s path n "an integer"
            None

/// A float (an integer is accepted too) within [lo, hi]; `openLo` excludes lo.
let floatIn (lo: float) (hi: float) (openLo: bool) : Conv<float> =
    fun s path n ->
        let check (v: float) =
            let ok = (if openLo then v > lo else v >= lo) && v <= hi && not (Double.IsNaN v)

            if ok then
                Some v
            else
                let range =
                    if Double.IsPositiveInfinity hi then
                        (if openLo then $"> {formatFloat lo}" else $">= {formatFloat lo}")
                    else
                        let l = if openLo then "(" else "["
                        $"in {l}{formatFloat lo}, {formatFloat hi}]"

                fail s n.Pos path $"must be {range}, got {formatFloat v}"
                None

        match n.Value with
        | Float v -> check v
        | Int v -> check (float v)
        | _ ->
            wrongType s path n "a number"
            None

let choice (choices: string list) : Conv<string> =
    fun s path n ->
        match str s path n with
        | Some v when List.contains v choices -> Some v
        | Some v ->
            let expected = String.Join(", ", choices |> List.map (fun c -> $"\"{c}\""))

            match suggest v choices with
            | Some near -> fail s n.Pos path $"expected one of {expected}, got \"{v}\"; did you mean \"{near}\"?"
            | None -> fail s n.Pos path $"expected one of {expected}, got \"{v}\""

            None
        | None -> None

let listOf (item: Conv<'a>) : Conv<'a list> =
    fun s path n ->
        match n.Value with
        | Arr items ->
            let read = items |> List.mapi (fun i x -> item s $"{path}[{i}]" x)

            if read |> List.forall Option.isSome then
                Some(read |> List.map Option.get)
            else
                None
        | _ ->
            wrongType s path n "an array"
            None

let nonEmptyList (item: Conv<'a>) : Conv<'a list> =
    fun s path n ->
        match listOf item s path n with
        | Some [] ->
            fail s n.Pos path "must not be empty"
            None
        | other -> other

/// A sub-table (checked to be a table); None, with an error, otherwise.
let table (s: Scope) (path: string) (n: Node) =
    match n.Value with
    | Tab _ -> Some n
    | _ ->
        wrongType s path n "a table"
        None

/// Optional key with a default; a wrong value records an error and yields the default,
/// so that validation carries on and reports the other problems too.
let opt (s: Scope) (path: string) (parent: Node) (key: string) (conv: Conv<'a>) (dflt: 'a) : 'a =
    match tryGet key parent with
    | None -> dflt
    | Some n -> conv s (join path key) n |> Option.defaultValue dflt

/// Required key: a missing one records "missing key" with what was expected.
let req (s: Scope) (path: string) (parent: Node) (key: string) (expected: string) (conv: Conv<'a>) : 'a option =
    match tryGet key parent with
    | None ->
        fail s parent.Pos (join path key) $"missing key (expected {expected})"
        None
    | Some n -> conv s (join path key) n

/// One of a fixed set of named values; the names are what TOML files write.
let choiceOf (choices: (string * 'a) list) : Conv<'a> =
    fun s path n ->
        choice (List.map fst choices) s path n
        |> Option.map (fun name -> choices |> List.find (fun (k, _) -> k = name) |> snd)

/// The TOML name of a value (the canonical writer's side of `choiceOf`, from the same list).
let nameOf (choices: (string * 'a) list) (value: 'a) =
    choices |> List.find (fun (_, v) -> v = value) |> fst

/// Where `key` of a table was written (None when it was left to its default).
let at (n: Node) (key: string) = tryGet key n |> Option.bind _.Pos
