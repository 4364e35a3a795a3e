namespace GazeInsight.Text.Vlm;

/// <summary>The result of one chat-completions request.</summary>
/// <param name="Kind">how it ended.</param>
/// <param name="Content">the first choice's message text (only for <see cref="ChatOutcomeKind.Ok"/>).</param>
/// <param name="Detail">a one-line explanation for anything but Ok (HTTP status and a short excerpt of the body).</param>
/// <param name="RetryAfter">the server's Retry-After, when it sent one.</param>
public sealed record ChatOutcome(ChatOutcomeKind Kind, string? Content, string Detail, TimeSpan? RetryAfter = null);
