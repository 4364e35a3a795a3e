using GazeInsight.Imaging.IO;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GazeInsight.Imaging;
using GazeInsight.Imaging.Data;
using GazeInsight.Text.Descriptions;

namespace GazeInsight.Text.Vlm;

/// <summary>
/// <c>runner text describe</c>: asks a VLM for the structured description of every image of a
/// data root and writes <c>text/descriptions.jsonl</c>.
/// <para>Images: the ids of <c>train.txt</c> and <c>test.txt</c> when either exists (each must
/// have an image), else every PNG/JPEG/BMP in the image folder. Each reply is checked by
/// <see cref="DescriptionReply"/>; an invalid one is sent back with the problem and asked again,
/// up to <see cref="DescribeOptions.MaxAttempts"/>; then the failure is recorded.</para>
/// <para>Cache and resume: every outcome is stored in <c>text/vlm-cache/&lt;key&gt;.json</c>, key =
/// SHA-256 of (image bytes' SHA-256, model, prompt version), as soon as it is known, so an
/// interrupted pass resumes where it stopped and a rerun sends no request for known images.</para>
/// <para>Output: <c>text/descriptions.jsonl</c> keeps the lines of ids outside this pass, replaces
/// those of its ids, and drops those of its failed ids; <c>text/describe-failures.jsonl</c> lists
/// the failures (removed when there are none).</para>
/// </summary>
public static class DescribePass
{
    /// <summary>Cache folder relative to the data root.</summary>
    public const string CacheFolder = "text/vlm-cache";

    /// <summary>Failure list relative to the data root.</summary>
    public const string FailuresFile = "text/describe-failures.jsonl";

    private static readonly string[] ImageExtensions = [".png", ".jpg", ".jpeg", ".bmp"];

    /// <summary>Runs the pass.</summary>
    /// <param name="dataRoot">data root.</param>
    /// <param name="options">endpoint, model, limits.</param>
    /// <param name="http">HTTP client to use (not disposed); a new one when null.</param>
    /// <param name="progress">one report per image.</param>
    /// <param name="cancellation">stops between requests; what is cached stays.</param>
    /// <exception cref="InvalidInputException">no images, an id without image, a broken existing description file,
    /// or an endpoint that refuses every request (HTTP 401/403/404, unreachable): the pass stops.</exception>
    public static async Task<DescribeSummary> RunAsync(
        string dataRoot,
        DescribeOptions options,
        HttpClient? http = null,
        IProgress<DescribeProgress>? progress = null,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var images = ListImages(dataRoot, options.ImageFolder);
        var outputPath = DescriptionFile.PathIn(dataRoot);
        var existing = File.Exists(outputPath) ? DescriptionFile.Read(outputPath) : [];

        using var client = new ChatCompletionsClient(options.Endpoint, options.ApiKey, http);
        var gate = new RateGate(options.RequestsPerMinute);
        var results = new Dictionary<string, LesionDescription>(StringComparer.Ordinal);
        var failed = new List<(string Id, string Reason)>();
        int described = 0, fromCache = 0, requests = 0;
        for (int i = 0; i < images.Count; i++)
        {
            cancellation.ThrowIfCancellationRequested();
            var (id, path) = images[i];
            var bytes = await File.ReadAllBytesAsync(path, cancellation).ConfigureAwait(false);
            var cachePath = CachePath(dataRoot, bytes, options.Model);
            var cached = ReadCache(cachePath, id);
            string status;
            string? detail = null;
            if (cached is { Description: { } hit })
            {
                results[id] = hit with { Id = id };
                fromCache++;
                status = "cached";
            }
            else if (cached is { Reason: { } reason } && !options.RetryFailed)
            {
                failed.Add((id, reason));
                status = "cached-failure";
                detail = reason;
            }
            else
            {
                var outcome = await DescribeOneAsync(client, gate, options, id, bytes, MediaType(path), cancellation).ConfigureAwait(false);
                requests += outcome.Requests;
                WriteCache(cachePath, id, bytes, options, outcome);
                if (outcome.Description is { } d)
                {
                    results[id] = d;
                    described++;
                    status = "described";
                }
                else
                {
                    failed.Add((id, outcome.Reason!));
                    status = "failed";
                    detail = outcome.Reason;
                }
            }

            progress?.Report(new DescribeProgress(i + 1, images.Count, id, status, detail));
        }

        WriteOutputs(dataRoot, existing, images.Select(im => im.Id).ToArray(), results, failed);
        return new DescribeSummary(images.Count, described, fromCache, failed, requests);
    }

    /// <summary>The (id, image path) pairs a pass over <paramref name="dataRoot"/> covers, in order.</summary>
    /// <exception cref="InvalidInputException">no images, or listed ids without an image (all counted, the first named).</exception>
    public static IReadOnlyList<(string Id, string Path)> ListImages(string dataRoot, string imageFolder = "images")
    {
        var folder = Path.Combine(dataRoot, imageFolder);
        var lists = new[] { "train.txt", "test.txt" }.Select(f => Path.Combine(dataRoot, f)).Where(File.Exists).ToArray();
        var result = new List<(string, string)>();
        if (lists.Length > 0)
        {
            var problems = new List<InvalidInputException>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var list in lists)
            {
                var lines = File.ReadAllLines(list);
                for (int n = 0; n < lines.Length; n++)
                {
                    var id = lines[n].Trim();
                    if (id.Length == 0 || !seen.Add(id))
                    {
                        continue;
                    }

                    var idProblem = DescriptionFile.IdProblem(id);
                    var image = idProblem is null ? FindImage(folder, id) : null;
                    if (image is null)
                    {
                        problems.Add(new InvalidInputException(list, $"line {n + 1}",
                            idProblem ?? $"no image {id}{{{string.Join(",", ImageExtensions)}}} in {folder}"));
                    }
                    else
                    {
                        result.Add((id, image));
                    }
                }
            }

            if (problems.Count > 0)
            {
                var p = problems[0];
                throw problems.Count == 1 ? p : new InvalidInputException(p.File, p.Place, $"{p.Problem} (and {problems.Count - 1} more)");
            }
        }
        else if (Directory.Exists(folder))
        {
            foreach (var file in Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal))
            {
                if (ImageExtensions.Contains(Path.GetExtension(file).ToLowerInvariant()))
                {
                    result.Add((Path.GetFileNameWithoutExtension(file), file));
                }
            }
        }

        if (result.Count == 0)
        {
            throw new InvalidInputException(folder, null, $"no images to describe (PNG, JPEG or BMP; DICOM slices must be exported first)");
        }

        return result;
    }

    private static string? FindImage(string folder, string id) =>
        ImageExtensions.Select(e => Path.Combine(folder, id + e)).FirstOrDefault(File.Exists);

    private static string MediaType(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".png" => "image/png",
        ".bmp" => "image/bmp",
        _ => "image/jpeg",
    };

    private static async Task<Outcome> DescribeOneAsync(
        ChatCompletionsClient client, RateGate gate, DescribeOptions options, string id, byte[] image, string mediaType, CancellationToken cancellation)
    {
        var followUps = new List<(string Reply, string Correction)>();
        int attempts = 0, waits = 0, requests = 0;
        bool allUnreachable = true;
        var backoff = options.Backoff;
        string lastProblem = "";
        while (attempts < options.MaxAttempts)
        {
            await gate.WaitAsync(cancellation).ConfigureAwait(false);
            var body = ChatCompletionsClient.BuildRequest(options.Model, image, mediaType, options.Format, followUps);
            var outcome = await client.SendAsync(body, options.Timeout, cancellation).ConfigureAwait(false);
            requests++;
            allUnreachable &= outcome.Kind == ChatOutcomeKind.Unreachable;
            switch (outcome.Kind)
            {
                case ChatOutcomeKind.Ok:
                    var (description, problem) = DescriptionReply.Parse(id, outcome.Content);
                    if (description is not null)
                    {
                        return new Outcome(description, null, attempts + 1, requests, outcome.Content);
                    }

                    attempts++;
                    lastProblem = $"invalid reply: {problem}";
                    followUps.Add((outcome.Content!, DescriptionPrompt.Retry(problem!)));
                    continue;

                case ChatOutcomeKind.RateLimited:
                    if (++waits > options.MaxRateLimitWaits)
                    {
                        return new Outcome(null, $"still rate-limited after {options.MaxRateLimitWaits} waits: {outcome.Detail}", attempts, requests, null);
                    }

                    await Task.Delay(Min(outcome.RetryAfter ?? backoff, options.MaxBackoff), cancellation).ConfigureAwait(false);
                    backoff *= 2;
                    continue;

                case ChatOutcomeKind.Fatal:
                    throw new InvalidInputException(client.CompletionsUrl.ToString(), null,
                        $"{outcome.Detail} (check the URL, the model name and the API key variable)");

                case ChatOutcomeKind.Rejected:
                    return new Outcome(null, outcome.Detail, attempts + 1, requests, null);

                default:
                    attempts++;
                    lastProblem = outcome.Detail;
                    if (attempts < options.MaxAttempts && outcome.Kind != ChatOutcomeKind.Timeout)
                    {
                        await Task.Delay(Min(outcome.RetryAfter ?? backoff, options.MaxBackoff), cancellation).ConfigureAwait(false);
                        backoff *= 2;
                    }

                    continue;
            }
        }

        if (allUnreachable)
        {
            // The server is gone: every further image would fail the same way.
            throw new InvalidInputException(client.CompletionsUrl.ToString(), null, lastProblem);
        }

        return new Outcome(null, $"{lastProblem} (after {attempts} attempts)", attempts, requests, null);
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static string CachePath(string dataRoot, byte[] image, string model)
    {
        var imageHash = Convert.ToHexStringLower(SHA256.HashData(image));
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{imageHash}\n{model}\n{DescriptionPrompt.Version}")));
        return Path.Combine(dataRoot, CacheFolder, key + ".json");
    }

    private static CacheHit? ReadCache(string path, string id)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            var root = JsonNode.Parse(File.ReadAllText(path));
            var status = (string?)root?["status"];
            if (status == "ok" && root!["description"] is JsonObject obj)
            {
                using var doc = JsonDocument.Parse(obj.ToJsonString());
                var (d, _) = DescriptionFile.FromObject(doc.RootElement, requireId: false, id: id);
                return d is null ? null : new CacheHit(d, null);
            }

            if (status == "failed" && root!["reason"]?.GetValueKind() == JsonValueKind.String)
            {
                return new CacheHit(null, (string)root["reason"]!);
            }
        }
        catch (JsonException)
        {
            // A damaged cache entry is just not a hit: the image is asked again and the entry rewritten.
        }

        return null;
    }

    private static void WriteCache(string path, string id, byte[] image, DescribeOptions options, Outcome outcome)
    {
        var root = new JsonObject
        {
            ["format"] = 1,
            ["id"] = id,
            ["image_sha256"] = Convert.ToHexStringLower(SHA256.HashData(image)),
            ["model"] = options.Model,
            ["prompt"] = DescriptionPrompt.Version,
            ["status"] = outcome.Description is null ? "failed" : "ok",
            ["attempts"] = outcome.Attempts,
            ["requests"] = outcome.Requests,
            ["written_utc"] = DateTime.UtcNow.ToString("O"),
        };
        if (outcome.Description is { } d)
        {
            var line = JsonNode.Parse(DescriptionFile.FormatLine(d))!.AsObject();
            line.Remove(DescriptionFile.Id);
            root["description"] = line;
            root["reply"] = outcome.Reply;
        }
        else
        {
            root["reason"] = outcome.Reason;
        }

        AtomicFile.WriteAllText(path, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    private static void WriteOutputs(
        string dataRoot,
        IReadOnlyList<LesionDescription> existing,
        IReadOnlyList<string> passIds,
        Dictionary<string, LesionDescription> results,
        List<(string Id, string Reason)> failed)
    {
        var inPass = passIds.ToHashSet(StringComparer.Ordinal);
        var lines = new List<LesionDescription>();
        var written = new HashSet<string>(StringComparer.Ordinal);
        foreach (var d in existing)
        {
            if (!inPass.Contains(d.Id))
            {
                lines.Add(d);
            }
            else if (results.TryGetValue(d.Id, out var fresh))
            {
                lines.Add(fresh);
                written.Add(d.Id);
            }
        }

        lines.AddRange(passIds.Where(id => results.ContainsKey(id) && !written.Contains(id)).Select(id => results[id]));
        DescriptionFile.Write(DescriptionFile.PathIn(dataRoot), lines);

        var failuresPath = Path.Combine(dataRoot, FailuresFile);
        if (failed.Count == 0)
        {
            File.Delete(failuresPath);
            return;
        }

        var text = new StringBuilder();
        foreach (var (id, reason) in failed)
        {
            text.Append(new JsonObject { ["id"] = id, ["reason"] = reason }.ToJsonString()).Append('\n');
        }

        AtomicFile.WriteAllText(failuresPath, text.ToString());
    }

    private sealed record Outcome(LesionDescription? Description, string? Reason, int Attempts, int Requests, string? Reply);

    private sealed record CacheHit(LesionDescription? Description, string? Reason);

    /// <summary>Spaces request starts at least 60/rpm seconds apart.</summary>
    private sealed class RateGate(double requestsPerMinute)
    {
        private readonly TimeSpan _interval = requestsPerMinute > 0 ? TimeSpan.FromMinutes(1 / requestsPerMinute) : TimeSpan.Zero;
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private TimeSpan? _last;

        public async Task WaitAsync(CancellationToken cancellation)
        {
            if (_last is { } last && _interval > TimeSpan.Zero)
            {
                var wait = last + _interval - _clock.Elapsed;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, cancellation).ConfigureAwait(false);
                }
            }

            _last = _clock.Elapsed;
        }
    }
}
