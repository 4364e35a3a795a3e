/// A position-carrying TOML tree built from Tomlyn's syntax tree, so that every validation
/// message can name `file:line:column`; deep merge (for `extends`, variants, `--set`) and a
/// canonical writer (the resolved config written next to a cell's results, and its identity).
module GazeInsight.Experiments.Toml

open System
open System.Globalization
open System.Text
open Tomlyn.Syntax

/// Where a key or value was written. Line and column are 1-based.
type Pos =
    { File: string
      Line: int
      Column: int }

    /// `file:line:column`; positions of command-line values (line 0) print as their origin alone.
    override p.ToString() =
        if p.Line = 0 then p.File else $"{p.File}:{p.Line}:{p.Column}"

/// A TOML value with the position of the key that introduced it (None for values made by code).
type Node =
    { Value: Value
      Pos: Pos option }

and Value =
    | Str of string
    | Int of int64
    | Float of float
    | Bool of bool
    | Arr of Node list
    /// Keys in written order; unique.
    | Tab of (string * Node) list

/// A problem found in a spec: where, which key path, what.
type SpecError =
    { Pos: Pos option
      /// The file when no position is known (e.g. a missing file).
      File: string
      /// Dotted key path, e.g. `train.iterations` or `variant[2].method.kind`; empty for the whole file.
      Path: string
      Message: string }

    /// `file:line:column: key: problem`, one line.
    member e.Render() =
        let place =
            match e.Pos with
            | Some p -> p.ToString()
            | None -> e.File

        if String.IsNullOrEmpty e.Path then
            $"{place}: {e.Message}"
        else
            $"{place}: {e.Path}: {e.Message}"

let node v = { Value = v; Pos = None }

/// Tomlyn's syntax nodes are nullable in its annotations but present in a tree without errors.
let inline internal nn (x: 'T | null) : 'T =
    match x with
    | null -> invalidOp "unexpected null in a TOML syntax tree without diagnostics"
    | v -> v

/// Path.GetDirectoryName of a full path (never null for one).
let dirOf (path: string) =
    match System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath path) with
    | null -> System.IO.Path.GetFullPath path
    | d -> d

// Tomlyn's TextPosition is 0-based; editors and our messages count from 1.
let private posOf (file: string) (span: SourceSpan) =
    Some
        { File = file
          Line = span.Start.Line + 1
          Column = span.Start.Column + 1 }

let private keyParts (key: KeySyntax) =
    let part (k: BareKeyOrStringValueSyntax | null) =
        match k with
        | :? BareKeySyntax as b -> (nn b.Key).Text |> nn
        | :? StringValueSyntax as s -> nn s.Value
        | other -> string other

    [ yield part key.Key
      for d in key.DotKeys do
          yield part d.Key ]

/// Mutable builder, local to `parse`: TOML's header/dotted-key semantics are easiest to follow
/// by inserting into dictionaries, then the result is frozen into the immutable tree.
type private Builder() =
    member val Keys = ResizeArray<string>()
    member val Items = Collections.Generic.Dictionary<string, Slot>()

and private Slot =
    | Leaf of Node
    | Table of Builder * Pos option
    | TableArray of ResizeArray<Builder * Pos option> * Pos option

let rec private freeze (b: Builder) : (string * Node) list =
    [ for k in b.Keys ->
          match b.Items[k] with
          | Leaf n -> k, n
          | Table(t, p) -> k, { Value = Tab(freeze t); Pos = p }
          | TableArray(ts, p) ->
              k,
              { Value = Arr [ for t, tp in ts -> { Value = Tab(freeze t); Pos = tp } ]
                Pos = p } ]

let rec private valueOf (file: string) (v: ValueSyntax) : Result<Value, string * SourceSpan> =
    match v with
    | :? StringValueSyntax as s -> Ok(Str(nn s.Value))
    | :? IntegerValueSyntax as i -> Ok(Int i.Value)
    | :? FloatValueSyntax as f -> Ok(Float f.Value)
    | :? BooleanValueSyntax as b -> Ok(Bool b.Value)
    | :? ArraySyntax as a ->
        let items = [ for it in a.Items -> it ]

        let rec go acc (rest: ArrayItemSyntax list) =
            match rest with
            | [] -> Ok(Arr(List.rev acc))
            | it :: tail ->
                let v = nn it.Value

                match valueOf file v with
                | Ok x -> go ({ Value = x; Pos = posOf file v.Span } :: acc) tail
                | Error e -> Error e

        go [] items
    | :? InlineTableSyntax as t ->
        let b = Builder()

        let rec go (rest: InlineTableItemSyntax list) =
            match rest with
            | [] -> Ok(Tab(freeze b))
            | it :: tail ->
                match insertKeyValue file b (nn it.KeyValue) with
                | Ok() -> go tail
                | Error e -> Error e

        go [ for it in t.Items -> it ]
    | :? DateTimeValueSyntax -> Error("dates and times are not used in experiment specs", v.Span)
    | other -> Error($"unsupported value {other.Kind}", v.Span)

and private insertKeyValue (file: string) (b: Builder) (kv: KeyValueSyntax) : Result<unit, string * SourceSpan> =
    let parts = keyParts (nn kv.Key)
    let pos = posOf file kv.Span

    let rec descend (b: Builder) parts =
        match parts with
        | [ last ] ->
            match valueOf file (nn kv.Value) with
            | Ok v ->
                if b.Items.ContainsKey last then
                    Error($"the key `{last}` is defined twice", kv.Span)
                else
                    b.Keys.Add last
                    b.Items[last] <- Leaf { Value = v; Pos = pos }
                    Ok()
            | Error e -> Error e
        | head :: rest ->
            match b.Items.TryGetValue head with
            | true, Table(t, _) -> descend t rest
            | true, _ -> Error($"the key `{head}` is already a value", kv.Span)
            | false, _ ->
                let t = Builder()
                b.Keys.Add head
                b.Items[head] <- Table(t, pos)
                descend t rest
        | [] -> Ok()

    descend b parts

/// Parses TOML text into a tree; syntax errors come back all at once, with positions.
let parse (file: string) (text: string) : Result<Node, SpecError list> =
    let doc = Tomlyn.Parsing.SyntaxParser.Parse(text, file, true)

    // Only the first syntax error: after it the parser's recovery reports echoes (one missing
    // quote made 63 lines), and the first is the one to fix.
    let syntaxErrors =
        let all =
            [ for d in doc.Diagnostics do
                  if d.Kind = DiagnosticMessageKind.Error then
                      // Tomlyn quotes the offending token, which may be a line break: show it
                      // escaped so that the message stays one whole line
                      let msg = d.Message.Replace("\r", "\\r").Replace("\n", "\\n").Replace("\u2424", "\\n")

                      { Pos = posOf file d.Span
                        File = file
                        Path = ""
                        Message = "TOML syntax: " + msg.Trim() } ]
            |> List.sortBy (fun e -> e.Pos |> Option.map (fun p -> p.Line, p.Column))

        match all with
        | [] -> []
        | [ first ] -> [ first ]
        | first :: _ -> [ { first with Message = first.Message + " (later syntax errors not shown: they may follow from this one)" } ]

    if not syntaxErrors.IsEmpty then
        Error syntaxErrors
    else
        let root = Builder()
        let errors = ResizeArray<SpecError>()

        let add (b: Builder) (kv: KeyValueSyntax) =
            match insertKeyValue file b kv with
            | Ok() -> ()
            | Error(msg, span) ->
                errors.Add
                    { Pos = posOf file span
                      File = file
                      Path = ""
                      Message = msg }

        for kv in doc.KeyValues do
            add root kv

        for t in doc.Tables do
            let parts = keyParts (nn t.Name)
            let pos = posOf file t.Span
            let isArray = t :? TableArraySyntax

            let rec navigate (b: Builder) parts =
                match parts with
                | [ last ] ->
                    match b.Items.TryGetValue last, isArray with
                    | (true, TableArray(ts, _)), true ->
                        let nb = Builder()
                        ts.Add(nb, pos)
                        Some nb
                    | (false, _), true ->
                        let nb = Builder()
                        b.Keys.Add last
                        b.Items[last] <- TableArray(ResizeArray [ nb, pos ], pos)
                        Some nb
                    | (true, Table(tb, _)), false -> Some tb
                    | (false, _), false ->
                        let nb = Builder()
                        b.Keys.Add last
                        b.Items[last] <- Table(nb, pos)
                        Some nb
                    | _ -> None
                | head :: rest ->
                    match b.Items.TryGetValue head with
                    | true, Table(tb, _) -> navigate tb rest
                    | true, TableArray(ts, _) -> navigate (fst ts[ts.Count - 1]) rest
                    | true, Leaf _ -> None
                    | false, _ ->
                        let nb = Builder()
                        b.Keys.Add head
                        b.Items[head] <- Table(nb, pos)
                        navigate nb rest
                | [] -> Some b

            match navigate root parts with
            | Some b ->
                for kv in t.Items do
                    add b kv
            | None ->
                let name = String.Join(".", parts)

                errors.Add
                    { Pos = pos
                      File = file
                      Path = name
                      Message = "this header conflicts with an earlier definition of the same key" }

        if errors.Count > 0 then
            Error(List.ofSeq errors)
        else
            Ok
                { Value = Tab(freeze root)
                  Pos = Some { File = file; Line = 1; Column = 1 } }

/// Parses the right-hand side of a `--set key=value` override as a TOML value; a bare word that
/// is not valid TOML is taken as a string, so `--set method.kind=gaze` works unquoted.
let parseValue (origin: string) (text: string) : Value =
    match parse origin ("v = " + text) with
    | Ok { Value = Tab [ _, n ] } -> n.Value
    | _ -> Str text

/// Deep merge: tables merge key by key, everything else (arrays included) is replaced.
/// A table whose `kind` changes is replaced whole, because its other keys belong to the old kind.
let rec merge (baseNode: Node) (over: Node) : Node =
    match baseNode.Value, over.Value with
    | Tab b, Tab o ->
        let kindOf items =
            items |> List.tryFind (fun (k, _) -> k = "kind") |> Option.map (fun (_, n) -> n.Value)

        match kindOf b, kindOf o with
        | Some kb, Some ko when kb <> ko -> over
        | _ ->
            let merged =
                [ for k, bn in b ->
                      match List.tryFind (fun (k2, _) -> k2 = k) o with
                      | Some(_, on) -> k, merge bn on
                      | None -> k, bn
                  for k, on in o do
                      if not (List.exists (fun (k2, _) -> k2 = k) b) then
                          yield k, on ]

            { Value = Tab merged; Pos = baseNode.Pos }
    | _ -> over

/// Sets the value at a dotted path, creating tables as needed.
let rec setPath (path: string list) (value: Node) (root: Node) : Node =
    match path with
    | [] -> value
    | head :: rest ->
        let items =
            match root.Value with
            | Tab items -> items
            | _ -> []

        let existing =
            items
            |> List.tryFind (fun (k, _) -> k = head)
            |> Option.map snd
            |> Option.defaultValue (node (Tab []))

        let updated = setPath rest value existing

        let items' =
            if List.exists (fun (k, _) -> k = head) items then
                items |> List.map (fun (k, n) -> if k = head then k, updated else k, n)
            else
                items @ [ head, updated ]

        { root with Value = Tab items' }

/// Removes a top-level key.
let without (key: string) (root: Node) =
    match root.Value with
    | Tab items -> { root with Value = Tab(items |> List.filter (fun (k, _) -> k <> key)) }
    | _ -> root

/// Looks a key up in a table node.
let tryGet (key: string) (n: Node) =
    match n.Value with
    | Tab items -> items |> List.tryFind (fun (k, _) -> k = key) |> Option.map snd
    | _ -> None

// ---- canonical writer -------------------------------------------------------------------

let private bareKey (k: string) =
    k.Length > 0
    && k |> Seq.forall (fun c -> Char.IsAsciiLetterOrDigit c || c = '_' || c = '-')

let private quote (s: string) =
    let sb = StringBuilder("\"")

    for c in s do
        match c with
        | '"' -> sb.Append("\\\"") |> ignore
        | '\\' -> sb.Append("\\\\") |> ignore
        | '\n' -> sb.Append("\\n") |> ignore
        | '\r' -> sb.Append("\\r") |> ignore
        | '\t' -> sb.Append("\\t") |> ignore
        | c when Char.IsControl c -> sb.Append($"\\u{int c:X4}") |> ignore
        | c -> sb.Append(c) |> ignore

    sb.Append('"').ToString()

let formatKey (k: string) = if bareKey k then k else quote k

/// Shortest round-trip float text, always with a `.`/exponent so it reads back as a float.
let formatFloat (f: float) =
    if Double.IsNaN f then
        "nan"
    elif Double.IsPositiveInfinity f then
        "inf"
    elif Double.IsNegativeInfinity f then
        "-inf"
    else
        let s = f.ToString("R", CultureInfo.InvariantCulture)

        if s.Contains '.' || s.Contains 'E' || s.Contains 'e' then
            s.Replace("E", "e")
        else
            s + ".0"

let rec formatInline (v: Value) =
    match v with
    | Str s -> quote s
    | Int i -> string i
    | Float f -> formatFloat f
    | Bool b -> if b then "true" else "false"
    | Arr items -> "[" + String.Join(", ", items |> List.map (fun n -> formatInline n.Value)) + "]"
    | Tab items ->
        "{ "
        + String.Join(", ", items |> List.map (fun (k, n) -> formatKey k + " = " + formatInline n.Value))
        + " }"

/// Writes a tree as TOML with keys sorted at every level, scalars before sub-tables, so that two
/// equal trees always give the same text (the basis of a cell's identity).
let writeCanonical (root: Node) : string =
    let sb = StringBuilder()

    let rec table (prefix: string list) (items: (string * Node) list) =
        let sorted = items |> List.sortBy fst
        let isTable (n: Node) =
            match n.Value with
            | Tab _ -> true
            | _ -> false

        for k, n in sorted do
            if not (isTable n) then
                sb.Append(formatKey k).Append(" = ").Append(formatInline n.Value).Append('\n') |> ignore

        for k, n in sorted do
            match n.Value with
            | Tab sub ->
                let path = prefix @ [ k ]
                let hasScalars = sub |> List.exists (fun (_, c) -> not (isTable c))

                if hasScalars || sub.IsEmpty then
                    if sb.Length > 0 then
                        sb.Append('\n') |> ignore

                    sb.Append('[').Append(String.Join(".", path |> List.map formatKey)).Append("]\n") |> ignore

                table path sub
            | _ -> ()

    match root.Value with
    | Tab items -> table [] items
    | other -> sb.Append(formatInline other) |> ignore

    sb.ToString()

/// Human name of a value's type, for "expected ..., got ..." messages.
let typeName (v: Value) =
    match v with
    | Str _ -> "a string"
    | Int _ -> "an integer"
    | Float _ -> "a float"
    | Bool _ -> "a boolean"
    | Arr _ -> "an array"
    | Tab _ -> "a table"
