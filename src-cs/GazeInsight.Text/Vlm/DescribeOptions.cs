namespace GazeInsight.Text.Vlm;

/// <summary>Options of <c>runner text describe</c>.</summary>
public sealed record DescribeOptions
{
    /// <summary>API base URL or full chat-completions URL.</summary>
    public required Uri Endpoint { get; init; }

    /// <summary>Model name sent to the server; part of the cache key.</summary>
    public required string Model { get; init; }

    /// <summary>Bearer token (read by the CLI from an environment variable); never written anywhere.</summary>
    public string? ApiKey { get; init; }

    /// <summary>Folder of images under the data root.</summary>
    public string ImageFolder { get; init; } = "images";

    /// <summary>Limit for one request.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Requests per image before its failure is recorded (invalid replies, timeouts, 5xx).</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>429 answers tolerated per image (they do not use up attempts).</summary>
    public int MaxRateLimitWaits { get; init; } = 8;

    /// <summary>Most requests started per minute; 0 for no limit.</summary>
    public double RequestsPerMinute { get; init; }

    /// <summary>First back-off after a 429 without Retry-After or a 5xx; doubles each time, capped at <see cref="MaxBackoff"/>.</summary>
    public TimeSpan Backoff { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Longest single wait (also caps a server's Retry-After).</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Ask again for images whose earlier failure is cached.</summary>
    public bool RetryFailed { get; init; }

    /// <summary>response_format variant.</summary>
    public ResponseFormat Format { get; init; } = ResponseFormat.JsonSchema;

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentException">a value out of range, with the value in the message.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Model))
        {
            throw new ArgumentException("model must not be empty");
        }

        if (MaxAttempts < 1)
        {
            throw new ArgumentException($"max attempts must be at least 1, got {MaxAttempts}");
        }

        if (MaxRateLimitWaits < 0)
        {
            throw new ArgumentException($"max rate-limit waits must be at least 0, got {MaxRateLimitWaits}");
        }

        if (RequestsPerMinute < 0 || double.IsNaN(RequestsPerMinute))
        {
            throw new ArgumentException($"requests per minute must be >= 0, got {RequestsPerMinute}");
        }

        if (Timeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"timeout must be positive, got {Timeout}");
        }
    }
}
