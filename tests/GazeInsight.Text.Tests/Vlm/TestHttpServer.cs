using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace GazeInsight.Text.Tests.Vlm;

/// <summary>One request as the test server saw it.</summary>
public sealed record SeenRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body, TimeSpan At);

/// <summary>What the test server answers; <see cref="Delay"/> holds the answer back (for timeouts).</summary>
public sealed record CannedResponse(int Status, string Body, IReadOnlyDictionary<string, string>? Headers = null, TimeSpan Delay = default);

/// <summary>
/// A real HTTP/1.1 server on 127.0.0.1 (TcpListener on a free port), one connection per request,
/// answering each request with the handler's canned response.
/// </summary>
public sealed class TestHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<SeenRequest, int, CannedResponse> _handler;
    private readonly CancellationTokenSource _stop = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Task _loop;
    private int _count;

    public TestHttpServer(Func<SeenRequest, int, CannedResponse> handler)
    {
        _handler = handler;
        _listener.Start();
        _loop = Task.Run(AcceptLoop);
    }

    public Uri BaseUrl => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/v1");

    public ConcurrentQueue<SeenRequest> Requests { get; } = new();

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            _ = Task.Run(() => Serve(client));
        }
    }

    private async Task Serve(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var head = new StringBuilder();
                var one = new byte[1];
                while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
                {
                    if (await stream.ReadAsync(one, _stop.Token) == 0)
                    {
                        return;
                    }

                    head.Append((char)one[0]);
                }

                var lines = head.ToString().Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
                var parts = lines[0].Split(' ');
                var headers = lines.Skip(1).Select(l => l.Split(':', 2)).ToDictionary(p => p[0].Trim().ToLowerInvariant(), p => p[1].Trim());
                var body = new byte[headers.TryGetValue("content-length", out var cl) ? int.Parse(cl) : 0];
                await stream.ReadExactlyAsync(body, _stop.Token);
                var request = new SeenRequest(parts[0], parts[1], headers, Encoding.UTF8.GetString(body), _clock.Elapsed);
                int index = Interlocked.Increment(ref _count) - 1;
                Requests.Enqueue(request);
                var response = _handler(request, index);
                if (response.Delay > TimeSpan.Zero)
                {
                    await Task.Delay(response.Delay, _stop.Token);
                }

                var payload = Encoding.UTF8.GetBytes(response.Body);
                var text = new StringBuilder();
                text.Append($"HTTP/1.1 {response.Status} {Reason(response.Status)}\r\n");
                text.Append("Content-Type: application/json\r\n");
                text.Append($"Content-Length: {payload.Length}\r\n");
                text.Append("Connection: close\r\n");
                foreach (var (k, v) in response.Headers ?? new Dictionary<string, string>())
                {
                    text.Append($"{k}: {v}\r\n");
                }

                text.Append("\r\n");
                await stream.WriteAsync(Encoding.ASCII.GetBytes(text.ToString()), _stop.Token);
                await stream.WriteAsync(payload, _stop.Token);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or SocketException)
            {
                // The client gave up (timeout test) or the server is stopping.
            }
        }
    }

    private static string Reason(int status) => status switch
    {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    };

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _loop;
        _stop.Dispose();
    }
}
