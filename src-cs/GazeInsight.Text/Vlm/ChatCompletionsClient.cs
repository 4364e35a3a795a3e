using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GazeInsight.Text.Vlm;

/// <summary>
/// A minimal OpenAI-compatible chat-completions client: one system message, one user message
/// with text and an image (base64 data URL), optional follow-up turns, temperature 0.
/// The API key travels only in the Authorization header; it is never part of an outcome.
/// </summary>
public sealed class ChatCompletionsClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly string? _apiKey;

    /// <summary>A client for <paramref name="endpoint"/>.</summary>
    /// <param name="endpoint">the API base (e.g. <c>http://127.0.0.1:8000/v1</c>) or the full <c>.../chat/completions</c> URL.</param>
    /// <param name="apiKey">sent as a Bearer token when not null or empty.</param>
    /// <param name="http">a client to use (not disposed); a new one when null.</param>
    public ChatCompletionsClient(Uri endpoint, string? apiKey, HttpClient? http = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"endpoint must be an http(s) URL, got '{endpoint}'", nameof(endpoint));
        }

        var text = endpoint.AbsoluteUri.TrimEnd('/');
        CompletionsUrl = new Uri(text.EndsWith("/chat/completions", StringComparison.Ordinal) ? text : text + "/chat/completions");
        _apiKey = string.IsNullOrEmpty(apiKey) ? null : apiKey;
        _ownsHttp = http is null;
        _http = http ?? new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>The URL requests go to.</summary>
    public Uri CompletionsUrl { get; }

    /// <summary>Builds the request body (public so that tests and docs can show it).</summary>
    /// <param name="model">model name.</param>
    /// <param name="image">image bytes.</param>
    /// <param name="mediaType">e.g. <c>image/png</c>.</param>
    /// <param name="format">response_format variant.</param>
    /// <param name="followUps">earlier (assistant reply, user correction) pairs, oldest first.</param>
    public static JsonObject BuildRequest(string model, ReadOnlySpan<byte> image, string mediaType, ResponseFormat format, IReadOnlyList<(string Reply, string Correction)> followUps)
    {
        var messages = new JsonArray
        {
            new JsonObject { ["role"] = "system", ["content"] = DescriptionPrompt.System },
            new JsonObject
            {
                ["role"] = "user",
                ["content"] = new JsonArray
                {
                    new JsonObject { ["type"] = "text", ["text"] = DescriptionPrompt.User },
                    new JsonObject
                    {
                        ["type"] = "image_url",
                        ["image_url"] = new JsonObject { ["url"] = $"data:{mediaType};base64,{Convert.ToBase64String(image)}" },
                    },
                },
            },
        };
        foreach (var (reply, correction) in followUps)
        {
            messages.Add(new JsonObject { ["role"] = "assistant", ["content"] = reply });
            messages.Add(new JsonObject { ["role"] = "user", ["content"] = correction });
        }

        var body = new JsonObject
        {
            ["model"] = model,
            ["messages"] = messages,
            ["temperature"] = 0,
            ["max_tokens"] = 400,
        };
        switch (format)
        {
            case ResponseFormat.JsonSchema:
                body["response_format"] = new JsonObject { ["type"] = "json_schema", ["json_schema"] = DescriptionPrompt.JsonSchema() };
                break;
            case ResponseFormat.JsonObject:
                body["response_format"] = new JsonObject { ["type"] = "json_object" };
                break;
        }

        return body;
    }

    /// <summary>Sends one request and classifies the answer; never throws for HTTP or network problems.</summary>
    /// <param name="body">the request body (see <see cref="BuildRequest"/>).</param>
    /// <param name="timeout">limit for the whole exchange.</param>
    /// <param name="cancellation">the caller's cancellation (rethrown as <see cref="OperationCanceledException"/>).</param>
    public async Task<ChatOutcome> SendAsync(JsonObject body, TimeSpan timeout, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(body);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        limit.CancelAfter(timeout);
        using var request = new HttpRequestMessage(HttpMethod.Post, CompletionsUrl)
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        if (_apiKey is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _apiKey);
        }

        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, limit.Token).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(limit.Token).ConfigureAwait(false);
            return Classify(response, text);
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            return new ChatOutcome(ChatOutcomeKind.Timeout, null, $"no answer within {timeout.TotalSeconds:0.###} s");
        }
        catch (HttpRequestException e)
        {
            return new ChatOutcome(ChatOutcomeKind.Unreachable, null, $"cannot connect: {OneLine(e.Message)}");
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    private static ChatOutcome Classify(HttpResponseMessage response, string body)
    {
        int status = (int)response.StatusCode;
        var detail = $"HTTP {status} {response.ReasonPhrase}: {Excerpt(body)}";
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            return new ChatOutcome(ChatOutcomeKind.RateLimited, null, detail, RetryAfter(response));
        }

        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.NotFound)
        {
            return new ChatOutcome(ChatOutcomeKind.Fatal, null, detail);
        }

        if (status >= 500)
        {
            return new ChatOutcome(ChatOutcomeKind.Transient, null, detail, RetryAfter(response));
        }

        if (status >= 400 || status < 200 || status >= 300)
        {
            return new ChatOutcome(ChatOutcomeKind.Rejected, null, detail);
        }

        try
        {
            var root = JsonNode.Parse(body);
            var content = root?["choices"]?[0]?["message"]?["content"];
            var text = content switch
            {
                JsonValue v when v.GetValueKind() == JsonValueKind.String => (string?)v,

                // Some servers return content as a list of typed parts.
                JsonArray parts => string.Concat(parts.Select(p => p?["text"]?.GetValueKind() == JsonValueKind.String ? (string?)p["text"] : "")),
                _ => null,
            };
            return text is null
                ? new ChatOutcome(ChatOutcomeKind.Transient, null, $"HTTP 200 without choices[0].message.content: {Excerpt(body)}")
                : new ChatOutcome(ChatOutcomeKind.Ok, text, "");
        }
        catch (JsonException e)
        {
            return new ChatOutcome(ChatOutcomeKind.Transient, null, $"HTTP 200 with a body that is not JSON ({OneLine(e.Message)}): {Excerpt(body)}");
        }
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var h = response.Headers.RetryAfter;
        if (h?.Delta is { } delta)
        {
            return delta;
        }

        if (h?.Date is { } date)
        {
            var wait = date - DateTimeOffset.UtcNow;
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }

    private static string Excerpt(string body)
    {
        var one = OneLine(body);
        return one.Length <= 200 ? one : one[..200] + "...";
    }

    private static string OneLine(string s) => string.Join(' ', s.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
