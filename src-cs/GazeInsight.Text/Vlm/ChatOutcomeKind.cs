namespace GazeInsight.Text.Vlm;

/// <summary>How one chat-completions request ended.</summary>
public enum ChatOutcomeKind
{
    /// <summary>HTTP 200 with a message content.</summary>
    Ok,

    /// <summary>HTTP 429: wait and ask again (does not use up an attempt).</summary>
    RateLimited,

    /// <summary>No answer within the time limit.</summary>
    Timeout,

    /// <summary>The server could not be reached (connection refused, reset, DNS).</summary>
    Unreachable,

    /// <summary>HTTP 5xx, or HTTP 200 whose body is not a chat completion.</summary>
    Transient,

    /// <summary>HTTP 400 and other 4xx that concern this request (e.g. an image the server refuses).</summary>
    Rejected,

    /// <summary>HTTP 401, 403 or 404: wrong key, model or URL; every request would fail the same way.</summary>
    Fatal,
}
