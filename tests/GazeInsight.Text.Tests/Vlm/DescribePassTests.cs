using System.Text.Json.Nodes;
using GazeInsight.Imaging;
using GazeInsight.Text.Descriptions;
using GazeInsight.Text.Vlm;

namespace GazeInsight.Text.Tests.Vlm;

public sealed class DescribePassTests : IDisposable
{
    private const string Key = "sk-test-SECRET-0123456789";
    private readonly TempDir _root = new();

    public DescribePassTests()
    {
        // Image content is opaque to the pass: any bytes do, as long as they differ per image.
        _root.Write("images/a.png", [0x89, (byte)'P', (byte)'N', (byte)'G', 1]);
        _root.Write("images/b.jpg", [0xFF, 0xD8, 0xFF, 2]);
        _root.Write("images/c.png", [0x89, (byte)'P', (byte)'N', (byte)'G', 3]);
        _root.Write("train.txt", "a\nb\n");
        _root.Write("test.txt", "c\n");
    }

    public void Dispose() => _root.Dispose();

    private const string Valid =
        "{\"Location\": \"upper left\", \"Boundary\": \"well-defined\", \"Characteristics\": \"reddish colour, smooth texture\", "
        + "\"Area Percentage\": \"12%\", \"Confidence\": \"high\", \"Remarks\": \"No other abnormal regions.\"}";

    private static CannedResponse Completion(string content) => new(200,
        new JsonObject { ["id"] = "x", ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = content } }) }.ToJsonString());

    private DescribeOptions Options(Uri endpoint, string model = "test-vlm") => new()
    {
        Endpoint = endpoint,
        Model = model,
        ApiKey = Key,
        Timeout = TimeSpan.FromSeconds(5),
        Backoff = TimeSpan.FromMilliseconds(10),
    };

    [Fact]
    public async Task Describes_every_listed_image_over_real_http()
    {
        await using var server = new TestHttpServer((_, _) => Completion(Valid));
        var progress = new List<DescribeProgress>();

        var summary = await DescribePass.RunAsync(_root.Path, Options(server.BaseUrl), progress: new SyncProgress<DescribeProgress>(progress.Add));

        Assert.Equal((3, 3, 0, 3), (summary.Images, summary.Described, summary.FromCache, summary.Requests));
        Assert.Empty(summary.Failed);
        var written = DescriptionFile.Read(_root.File("text/descriptions.jsonl"));
        Assert.Equal(["a", "b", "c"], written.Select(d => d.Id));
        Assert.All(written, d => Assert.Equal(("upper left", "12%", "high"), (d.Location, d.AreaPercentage, d.Confidence)));
        Assert.Equal([1, 2, 3], progress.Select(p => p.Done));
        Assert.All(progress, p => Assert.Equal("described", p.Status));

        var first = server.Requests.First();
        Assert.Equal(("POST", "/v1/chat/completions"), (first.Method, first.Path));
        Assert.Equal("Bearer " + Key, first.Headers["authorization"]);
        var body = JsonNode.Parse(first.Body)!;
        Assert.Equal("test-vlm", (string?)body["model"]);
        Assert.Equal("json_schema", (string?)body["response_format"]!["type"]);
        var imageUrl = (string?)body["messages"]![1]!["content"]![1]!["image_url"]!["url"];
        Assert.Equal("data:image/png;base64," + Convert.ToBase64String([0x89, (byte)'P', (byte)'N', (byte)'G', 1]), imageUrl);
        Assert.Contains(server.Requests, r => JsonNode.Parse(r.Body)!["messages"]![1]!["content"]![1]!["image_url"]!["url"]!.ToString().StartsWith("data:image/jpeg;base64,"));
    }

    [Fact]
    public async Task A_rerun_is_served_from_the_cache_and_a_new_model_asks_again()
    {
        await using var server = new TestHttpServer((_, _) => Completion(Valid));
        await DescribePass.RunAsync(_root.Path, Options(server.BaseUrl));

        var again = await DescribePass.RunAsync(_root.Path, Options(server.BaseUrl));
        Assert.Equal((0, 3, 3), (again.Described, again.FromCache, server.Requests.Count));

        var other = await DescribePass.RunAsync(_root.Path, Options(server.BaseUrl, model: "other-vlm"));
        Assert.Equal((3, 0, 6), (other.Described, other.FromCache, server.Requests.Count));
    }

    [Fact]
    public async Task Resumes_after_an_interruption_without_asking_again()
    {
        using var stop = new CancellationTokenSource();
        await using var server = new TestHttpServer((_, _) => Completion(Valid));
        var progress = new SyncProgress<DescribeProgress>(p =>
        {
            if (p.Done == 2)
            {
                stop.Cancel();
            }
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => DescribePass.RunAsync(_root.Path, Options(server.BaseUrl), progress: progress, cancellation: stop.Token));
        var resumed = await DescribePass.RunAsync(_root.Path, Options(server.BaseUrl));

        Assert.Equal((1, 2), (resumed.Described, resumed.FromCache));
        Assert.Equal(3, server.Requests.Count);
    }

    [Fact]
    public async Task Malformed_and_invalid_replies_are_sent_back_and_asked_again()
    {
        await using var server = new TestHttpServer((_, i) => i switch
        {
            0 => Completion("Sure! The lesion is reddish and sits in the upper left."),
            1 => Completion(Valid.Replace("\"high\"", "\"very high\"")),
            2 => new CannedResponse(200, "<html>gateway error</html>"),
            _ => Completion("```json\n" + Valid.Replace("upper left", "Upper Center") + "\n```"),
        });
        var options = Options(server.BaseUrl) with { MaxAttempts = 4 };
        _root.Write("train.txt", "a\n");
        File.Delete(_root.File("test.txt"));

        var summary = await DescribePass.RunAsync(_root.Path, options);

        Assert.Equal(1, summary.Described);
        Assert.Equal(4, summary.Requests);
        var d = Assert.Single(DescriptionFile.Read(_root.File("text/descriptions.jsonl")));
        Assert.Equal("upper centre", d.Location);
        var retry = JsonNode.Parse(server.Requests.ElementAt(2).Body)!["messages"]!.AsArray();
        Assert.Equal(6, retry.Count);
        Assert.Contains("'Confidence' is \"very high\"", (string?)retry[5]!["content"]);
        Assert.Contains("no JSON object", (string?)retry[3]!["content"]);
    }

    [Fact]
    public async Task A_reply_that_never_validates_is_recorded_as_failure_and_not_asked_again()
    {
        await using var server = new TestHttpServer((_, _) => Completion(Valid.Replace("12%", "about a tenth")));

        var summary = await DescribePass.RunAsync(_root.Path, Options(server.BaseUrl));

        Assert.Equal(3, summary.Failed.Count);
        Assert.Equal(9, summary.Requests);
        Assert.Contains("'Area Percentage' is \"about a tenth\"", summary.Failed[0].Reason);
        Assert.Contains("(after 3 attempts)", summary.Failed[0].Reason);
        Assert.Empty(DescriptionFile.Read(_root.File("text/descriptions.jsonl")));
        Assert.Equal(3, File.ReadAllLines(_root.File(DescribePass.FailuresFile)).Length);

        var again = await DescribePass.RunAsync(_root.Path, Options(server.BaseUrl));
        Assert.Equal((3, 9), (again.Failed.Count, server.Requests.Count));

        var retried = await DescribePass.RunAsync(_root.Path, Options(server.BaseUrl) with { RetryFailed = true });
        Assert.Equal(18, server.Requests.Count);
        Assert.Equal(3, retried.Failed.Count);
    }

    [Fact]
    public async Task Rate_limited_requests_wait_for_retry_after_and_do_not_use_up_attempts()
    {
        await using var server = new TestHttpServer((_, i) => i < 4
            ? new CannedResponse(429, "{\"error\": \"slow down\"}", new Dictionary<string, string> { ["Retry-After"] = "0" })
            : Completion(Valid));
        var options = Options(server.BaseUrl) with { MaxAttempts = 1 };

        var summary = await DescribePass.RunAsync(_root.Path, options);

        Assert.Equal(3, summary.Described);
        Assert.Equal(7, summary.Requests);
    }

    [Fact]
    public async Task Endless_429s_become_a_recorded_failure()
    {
        await using var server = new TestHttpServer((_, _) => new CannedResponse(429, "{}"));
        var options = Options(server.BaseUrl) with { MaxRateLimitWaits = 2, Backoff = TimeSpan.FromMilliseconds(1) };
        _root.Write("train.txt", "a\n");
        File.Delete(_root.File("test.txt"));

        var summary = await DescribePass.RunAsync(_root.Path, options);

        var failure = Assert.Single(summary.Failed);
        Assert.StartsWith("still rate-limited after 2 waits: HTTP 429", failure.Reason);
        Assert.Equal(3, server.Requests.Count);
    }

    [Fact]
    public async Task A_request_that_times_out_is_asked_again()
    {
        await using var server = new TestHttpServer((_, i) => i == 0
            ? Completion(Valid) with { Delay = TimeSpan.FromSeconds(3) }
            : Completion(Valid));
        var options = Options(server.BaseUrl) with { Timeout = TimeSpan.FromMilliseconds(300) };
        _root.Write("train.txt", "a\n");
        File.Delete(_root.File("test.txt"));

        var summary = await DescribePass.RunAsync(_root.Path, options);

        Assert.Equal((1, 2), (summary.Described, summary.Requests));
    }

    [Fact]
    public async Task Server_errors_are_retried_and_then_recorded()
    {
        await using var server = new TestHttpServer((_, _) => new CannedResponse(503, "{\"error\": \"overloaded\"}"));
        _root.Write("train.txt", "a\n");
        File.Delete(_root.File("test.txt"));

        var summary = await DescribePass.RunAsync(_root.Path, Options(server.BaseUrl));

        Assert.StartsWith("HTTP 503 Service Unavailable: {\"error\": \"overloaded\"} (after 3 attempts)", Assert.Single(summary.Failed).Reason);
    }

    [Fact]
    public async Task A_refused_key_stops_the_pass_with_one_line_and_the_key_is_never_written()
    {
        await using var server = new TestHttpServer((_, _) => new CannedResponse(401, "{\"error\": \"invalid api key\"}"));

        var e = await Assert.ThrowsAsync<InvalidInputException>(() => DescribePass.RunAsync(_root.Path, Options(server.BaseUrl)));

        Assert.Equal(server.BaseUrl + "/chat/completions: HTTP 401 Unauthorized: {\"error\": \"invalid api key\"} (check the URL, the model name and the API key variable)", e.Message);
        Assert.Single(server.Requests);
        Assert.DoesNotContain(Key, e.Message);
    }

    [Fact]
    public async Task The_api_key_appears_in_no_file()
    {
        await using var server = new TestHttpServer((_, i) => i == 0 ? Completion("nonsense") : Completion(Valid));

        await DescribePass.RunAsync(_root.Path, Options(server.BaseUrl));

        foreach (var file in Directory.EnumerateFiles(_root.Path, "*", SearchOption.AllDirectories))
        {
            Assert.DoesNotContain(Key, File.ReadAllText(file));
        }
    }

    [Fact]
    public async Task An_unreachable_server_stops_the_pass()
    {
        // A port that was free a moment ago: nothing listens there.
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var e = await Assert.ThrowsAsync<InvalidInputException>(() => DescribePass.RunAsync(_root.Path, Options(new Uri($"http://127.0.0.1:{port}/v1"))));

        Assert.Contains("/chat/completions: cannot connect: ", e.Message);
    }

    [Fact]
    public async Task Requests_are_spaced_by_the_rate_limit()
    {
        await using var server = new TestHttpServer((_, _) => Completion(Valid));

        await DescribePass.RunAsync(_root.Path, Options(server.BaseUrl) with { RequestsPerMinute = 600 });

        var at = server.Requests.Select(r => r.At).ToArray();
        Assert.All(at.Zip(at.Skip(1)), p => Assert.True(p.Second - p.First >= TimeSpan.FromMilliseconds(90), $"{p.Second - p.First}"));
    }

    [Fact]
    public async Task Keeps_descriptions_of_other_ids_and_replaces_those_of_the_pass()
    {
        _root.Write("text/descriptions.jsonl",
            "{\"id\":\"z\",\"Location\":\"centre\",\"Boundary\":\"irregular\",\"Characteristics\":\"x\",\"Area Percentage\":\"5%\",\"Confidence\":\"low\",\"Remarks\":\"r\"}\n"
            + "{\"id\":\"b\",\"Location\":\"centre\",\"Boundary\":\"irregular\",\"Characteristics\":\"old\",\"Area Percentage\":\"5%\",\"Confidence\":\"low\",\"Remarks\":\"r\"}\n");
        await using var server = new TestHttpServer((_, _) => Completion(Valid));

        await DescribePass.RunAsync(_root.Path, Options(server.BaseUrl));

        var all = DescriptionFile.Read(_root.File("text/descriptions.jsonl"));
        Assert.Equal(["z", "b", "a", "c"], all.Select(d => d.Id));
        Assert.Equal("reddish colour, smooth texture", all[1].Characteristics);
    }

    [Fact]
    public void Listed_ids_without_image_are_all_counted()
    {
        _root.Write("test.txt", "c\nmissing1\nmissing2\n");

        var e = Assert.Throws<InvalidInputException>(() => DescribePass.ListImages(_root.Path));

        Assert.StartsWith(_root.File("test.txt") + ":line 2: no image missing1{.png,.jpg,.jpeg,.bmp}", e.Message);
        Assert.EndsWith("(and 1 more)", e.Message);
    }

    /// <summary>Reports synchronously (Progress&lt;T&gt; posts to the thread pool, which would race the asserts).</summary>
    private sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
