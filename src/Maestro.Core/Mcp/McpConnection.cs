using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Maestro.Core.Mcp;

/// <summary>
/// A live, initialized session with one MCP server (a running process, or an HTTP session). Its tool list is fetched
/// once and fetched again after the server announces a change (notifications/tools/list_changed).
/// </summary>
public sealed class McpConnection : IAsyncDisposable
{
    private const int StderrLines = 20;
    private const int StderrLineLength = 500;

    private readonly McpSettings _settings;
    private readonly Queue<string> _stderr = new();
    private McpClient? _client;
    private Task<IReadOnlyList<Tool>>? _tools;

    internal McpConnection(McpServer server, McpSettings settings)
    {
        Server = server;
        _settings = settings;
    }

    /// <summary>The configuration this connection was made with.</summary>
    public McpServer Server { get; }

    public McpClient Client => _client ?? throw new InvalidOperationException("The MCP client is not connected yet.");

    /// <summary>False once the process exited or the HTTP session ended; the pool then connects again.</summary>
    public bool IsAlive => _client is { } client && !client.Completion.IsCompleted;

    /// <summary>The last lines the server wrote to its standard error, for error messages.</summary>
    public IReadOnlyList<string> StderrTail
    {
        get
        {
            lock (_stderr)
            {
                return [.. _stderr];
            }
        }
    }

    public Task<IReadOnlyList<Tool>> GetToolsAsync(CancellationToken cancellationToken)
    {
        var tools = Volatile.Read(ref _tools);
        if (tools is null || tools.IsFaulted || tools.IsCanceled)
        {
            tools = ListToolsAsync();
            Volatile.Write(ref _tools, tools);
        }

        return tools.WaitAsync(cancellationToken);
    }

    /// <summary>Calls a tool, bounded by <see cref="McpSettings.CallTimeout"/> (a <see cref="TimeoutException"/> when it runs out).</summary>
    public async Task<CallToolResult> CallToolAsync(string name, IReadOnlyDictionary<string, JsonElement> arguments, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_settings.CallTimeout);
        var args = new Dictionary<string, object?>(arguments.Count, StringComparer.Ordinal);
        foreach (var (key, value) in arguments)
        {
            args[key] = value;
        }

        try
        {
            return await Client.CallToolAsync(name, args, cancellationToken: timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The tool did not finish within {_settings.CallTimeout.TotalSeconds:0} s (MAESTRO_MCP_CALL_TIMEOUT).");
        }
    }

    /// <summary>Whether the server still answers on this connection (within a few seconds).</summary>
    public async Task<bool> PingAsync()
    {
        if (!IsAlive)
        {
            return false;
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await Client.PingAsync(cancellationToken: timeout.Token);
            return true;
        }
        catch (Exception ex) when (ex is McpException or IOException or HttpRequestException or OperationCanceledException or ObjectDisposedException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.DisposeAsync();
        }
    }

    internal void Attach(McpClient client) => _client = client;

    internal void OnStderr(string line)
    {
        lock (_stderr)
        {
            if (_stderr.Count == StderrLines)
            {
                _stderr.Dequeue();
            }

            _stderr.Enqueue(line.Length > StderrLineLength ? line[..StderrLineLength] + "…" : line);
        }
    }

    internal void InvalidateTools() => Volatile.Write(ref _tools, null);

    private async Task<IReadOnlyList<Tool>> ListToolsAsync()
    {
        if (Client.ServerCapabilities is { Tools: null })
        {
            // A server with only prompts or resources: nothing for a session to call.
            return [];
        }

        using var timeout = new CancellationTokenSource(_settings.ConnectTimeout);
        try
        {
            var tools = await Client.ListToolsAsync(cancellationToken: timeout.Token);
            return [.. tools.Select(t => t.ProtocolTool)];
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new McpConnectionException(Server.Name, McpFailure.Timeout,
                $"MCP server '{Server.Name}' did not list its tools within {_settings.ConnectTimeout.TotalSeconds:0} s.",
                "Raise MAESTRO_MCP_TIMEOUT if the server is just slow.");
        }
    }
}
