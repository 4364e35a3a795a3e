/// `runner text describe|embed|similarity|bench`: lesion descriptions from a VLM, their
/// embeddings with the offline encoder, and quick checks of the encoder.
module GazeInsight.Runner.Commands.Text

open System
open System.IO
open Argu
open GazeInsight.Runner
open GazeInsight.Text.Embeddings
open GazeInsight.Text.Encoders
open GazeInsight.Text.Vlm

[<Literal>]
let private DefaultKeyVariable = "OPENAI_API_KEY"

[<RequireQualifiedAccess>]
type FormatChoice =
    | Json_Schema
    | Json_Object
    | None

type DescribeArgs =
    | [<Mandatory>] Data of dir: string
    | [<Mandatory>] Endpoint of url: string
    | [<Mandatory>] Model of name: string
    | Api_Key_Env of variable: string
    | Images of folder: string
    | Rpm of requests_per_minute: float
    | Timeout of seconds: float
    | Attempts of count: int
    | Response_Format of FormatChoice
    | Retry_Failed

    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | Data _ -> "data root (images/, train.txt, test.txt); writes text/descriptions.jsonl."
            | Endpoint _ -> "OpenAI-compatible API base, e.g. http://127.0.0.1:8000/v1 (or the full .../chat/completions URL)."
            | Model _ -> "model name sent to the server (part of the cache key)."
            | Api_Key_Env _ -> $"environment variable holding the API key (default {DefaultKeyVariable}; unset = no key)."
            | Images _ -> "image folder under the data root (default images)."
            | Rpm _ -> "at most this many requests per minute (default: no limit)."
            | Timeout _ -> "seconds per request (default 120)."
            | Attempts _ -> "requests per image before its failure is recorded (default 3)."
            | Response_Format _ -> "json-schema (default), json-object or none."
            | Retry_Failed -> "ask again for images whose failure is cached."

type EmbedArgs =
    | [<Mandatory>] Data of dir: string
    | Encoder of name: string
    | Batch_Size of count: int
    | Overwrite_Foreign

    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | Data _ -> "data root with text/descriptions.jsonl; writes embeddings/<id>.npy and embeddings/manifest.json."
            | Encoder _ -> "text encoder (default minilm)."
            | Batch_Size _ -> "texts per forward pass (default 32; texts are grouped by length)."
            | Overwrite_Foreign -> "also replace .npy files the manifest does not know (e.g. the authors' RoBERTa files)."

type SimilarityArgs =
    | [<MainCommand; ExactlyOnce>] Sentences of sentence: string list
    | Encoder of name: string

    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | Sentences _ -> "two sentences (quote each)."
            | Encoder _ -> "text encoder (default minilm)."

type BenchArgs =
    | Encoder of name: string
    | Batch_Sizes of sizes: int list
    | Count of sentences: int

    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | Encoder _ -> "text encoder (default minilm)."
            | Batch_Sizes _ -> "batch sizes to time (default 1 8 32)."
            | Count _ -> "sentences encoded per batch size (default 96)."

[<RequireSubcommand>]
type Args =
    | [<CliPrefix(CliPrefix.None)>] Describe of ParseResults<DescribeArgs>
    | [<CliPrefix(CliPrefix.None)>] Embed of ParseResults<EmbedArgs>
    | [<CliPrefix(CliPrefix.None)>] Similarity of ParseResults<SimilarityArgs>
    | [<CliPrefix(CliPrefix.None)>] Bench of ParseResults<BenchArgs>

    interface IArgParserTemplate with
        member this.Usage =
            match this with
            | Describe _ -> "ask a vision-language model for the structured description of every image."
            | Embed _ -> "embed text/descriptions.jsonl into embeddings/<id>.npy (skips up-to-date ids)."
            | Similarity _ -> "cosine similarity of two sentences' pooled vectors (a quick encoder check)."
            | Bench _ -> "encoder throughput in sentences/s for several batch sizes."

/// Reports through a callback on the calling thread (Progress<T> would post to the thread pool
/// and lines could arrive after the summary).
type private Report<'T>(f: 'T -> unit) =
    interface IProgress<'T> with
        member _.Report value = f value

let private usage (message: string) =
    Cli.printError message
    Cli.Exit.Usage

let private withEncoder (name: string) (body: ITextEncoder -> int) =
    if not (Seq.contains name TextEncoders.Names) then
        usage $"""--encoder: unknown encoder '{name}' (known: {String.Join(", ", TextEncoders.Names)})"""
    else
        use encoder = TextEncoders.Create name
        body encoder

let private requireFolder (dir: string) (body: unit -> int) =
    if Directory.Exists dir then
        body ()
    else
        Cli.invalidInput [ $"{dir}: data folder not found" ]

let private similarity (args: ParseResults<SimilarityArgs>) =
    match args.GetResult SimilarityArgs.Sentences with
    | [ a; b ] ->
        withEncoder (args.GetResult(SimilarityArgs.Encoder, defaultValue = MiniLmEncoder.EncoderName)) (fun encoder ->
            let e = encoder.Encode [| a; b |]
            printfn "%.6f" (EncodedText.Cosine(ReadOnlySpan e[0].Pooled, ReadOnlySpan e[1].Pooled))
            Cli.Exit.Ok)
    | s -> usage $"similarity takes exactly two sentences, got {s.Length}"

let private bench (args: ParseResults<BenchArgs>) =
    let sizes = args.GetResult(BenchArgs.Batch_Sizes, defaultValue = [ 1; 8; 32 ])
    let count = args.GetResult(BenchArgs.Count, defaultValue = 96)

    if count < 1 || sizes |> List.exists (fun b -> b < 1) then
        usage "--count and --batch-sizes must be at least 1"
    else
        withEncoder (args.GetResult(BenchArgs.Encoder, defaultValue = MiniLmEncoder.EncoderName)) (fun encoder ->
            printfn
                "encoder %s (%s), %d threads, %d rendered descriptions per batch size"
                encoder.Name
                encoder.Fingerprint
                Environment.ProcessorCount
                count

            printfn "%6s %14s %14s %18s %12s" "batch" "sentences/s" "ms/sentence" "cpu ms/sentence" "mean tokens"

            let report =
                Report<ThroughputResult>(fun r ->
                    printfn
                        "%6d %14.1f %14.2f %18.2f %12.1f"
                        r.BatchSize
                        r.SentencesPerSecond
                        (1000.0 / r.SentencesPerSecond)
                        (1000.0 * r.CpuSeconds / float r.Sentences)
                        r.MeanTokens)

            EncoderBenchmark.Run(encoder, List.toArray sizes, count, report) |> ignore
            Cli.Exit.Ok)

let private embed (args: ParseResults<EmbedArgs>) =
    let data = args.GetResult EmbedArgs.Data
    let batch = args.GetResult(EmbedArgs.Batch_Size, defaultValue = EmbedOptions().BatchSize)

    if batch < 1 then
        usage $"--batch-size must be at least 1, got {batch}"
    else
        requireFolder data (fun () ->
          Cli.whenWritable [ Cli.writableFolder (Path.Combine(data, EmbeddingStore.FolderName)) ] (fun () ->
            withEncoder (args.GetResult(EmbedArgs.Encoder, defaultValue = MiniLmEncoder.EncoderName)) (fun encoder ->
                let options =
                    EmbedOptions(BatchSize = batch, OverwriteForeign = args.Contains EmbedArgs.Overwrite_Foreign)

                let report =
                    Report<EmbedProgress>(fun p ->
                        eprintfn
                            "embedded %d/%d (%.1f s, %.1f texts/s)"
                            p.Done
                            p.Total
                            p.Elapsed.TotalSeconds
                            (float p.Done / max p.Elapsed.TotalSeconds 1e-9))

                let s = EmbeddingPass.Run(data, encoder, options, report)

                let shape =
                    if s.Written > 0 then
                        $"written (L, D) files: D = {s.Dimension}, longest L = {s.MaxLength}; "
                    else
                        ""

                printfn
                    "%d descriptions: %d embedded, %d up to date; %s%s"
                    s.Descriptions
                    s.Written
                    s.UpToDate
                    shape
                    (Path.Combine(data, EmbeddingStore.FolderName))

                if s.ForeignIds.Count > 0 then
                    eprintfn
                        "note: %d existing files not written by embed were left alone (first: %s); --overwrite-foreign replaces them"
                        s.ForeignIds.Count
                        s.ForeignIds[0]

                Cli.Exit.Ok)))

let private responseFormat (choice: FormatChoice) =
    match choice with
    | FormatChoice.Json_Schema -> ResponseFormat.JsonSchema
    | FormatChoice.Json_Object -> ResponseFormat.JsonObject
    | FormatChoice.None -> ResponseFormat.None

let private describe (args: ParseResults<DescribeArgs>) =
    let data = args.GetResult DescribeArgs.Data
    let endpoint = args.GetResult DescribeArgs.Endpoint
    let keyVariable = args.GetResult(DescribeArgs.Api_Key_Env, defaultValue = DefaultKeyVariable)
    // The key is only ever handed to the HTTP client; it is never printed or stored.
    let key = Environment.GetEnvironmentVariable keyVariable

    let parsedUri =
        match Uri.TryCreate(endpoint, UriKind.Absolute) with
        | true, NonNull uri when uri.Scheme = "http" || uri.Scheme = "https" -> Some uri
        | _ -> None

    let format = responseFormat (args.GetResult(DescribeArgs.Response_Format, defaultValue = FormatChoice.Json_Schema))

    match parsedUri with
    | None -> usage $"--endpoint: '{endpoint}' is not an absolute http(s) URL"
    | Some _ when String.IsNullOrEmpty key && args.Contains DescribeArgs.Api_Key_Env ->
        usage $"--api-key-env: environment variable {keyVariable} is not set"
    | Some uri ->
        requireFolder data (fun () ->
          Cli.whenWritable [ Cli.writableFolder (Path.Combine(data, "text")) ] (fun () ->
            if String.IsNullOrEmpty key then
                eprintfn "note: %s is not set; requests carry no API key" keyVariable

            let defaults = DescribeOptions(Endpoint = uri, Model = "m")

            let options =
                DescribeOptions(
                    Endpoint = uri,
                    Model = args.GetResult DescribeArgs.Model,
                    ApiKey = (if String.IsNullOrEmpty key then null else key),
                    ImageFolder = args.GetResult(DescribeArgs.Images, defaultValue = defaults.ImageFolder),
                    RequestsPerMinute = args.GetResult(DescribeArgs.Rpm, defaultValue = 0.0),
                    Timeout =
                        TimeSpan.FromSeconds(args.GetResult(DescribeArgs.Timeout, defaultValue = defaults.Timeout.TotalSeconds)),
                    MaxAttempts = args.GetResult(DescribeArgs.Attempts, defaultValue = defaults.MaxAttempts),
                    RetryFailed = args.Contains DescribeArgs.Retry_Failed,
                    Format = format
                )

            try
                options.Validate()

                let report =
                    Report<DescribeProgress>(fun p ->
                        match p.Detail with
                        | null -> eprintfn "[%d/%d] %s: %s" p.Done p.Total p.Id p.Status
                        | detail -> eprintfn "[%d/%d] %s: %s (%s)" p.Done p.Total p.Id p.Status detail)

                let s =
                    DescribePass.RunAsync(data, options, null, report).GetAwaiter().GetResult()

                printfn
                    "%d images: %d described, %d from cache, %d failed; %d requests; %s"
                    s.Images
                    s.Described
                    s.FromCache
                    s.Failed.Count
                    s.Requests
                    (Path.Combine(data, "text", "descriptions.jsonl"))

                if s.Failed.Count > 0 then
                    eprintfn "failures listed in %s" (Path.Combine(data, DescribePass.FailuresFile))
                    Cli.Exit.RunsFailed
                else
                    Cli.Exit.Ok
            with :? ArgumentException as e ->
                usage e.Message))

let run (args: ParseResults<Args>) : int =
    match args.GetSubCommand() with
    | Describe a -> describe a
    | Embed a -> embed a
    | Similarity a -> similarity a
    | Bench a -> bench a
