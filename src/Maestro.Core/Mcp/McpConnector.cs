using System.ComponentModel;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Maestro.Core.Tools;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Maestro.Core.Mcp;

/// <summary>
/// Starts (stdio) or reaches (streamable HTTP, SSE) an MCP server and initializes a session with it, within
/// <see cref="McpSettings.ConnectTimeout"/>, turning every way that can fail into one clear <see cref="McpConnectionException"/>.
/// </summary>
public sealed partial class McpConnector(McpSettings settings, IHttpClientFactory httpClientFactory, ILoggerFactory loggerFactory)
{
    public const string HttpClientName = "mcp";

    /// <summary>
    /// Variables a stdio server inherits from Maestro's own environment besides the SDK's safe defaults (PATH, HOME,
    /// USER, SHELL, TERM, LOGNAME). Nothing else is passed on: Maestro's environment holds its database URL and secret key.
    /// </summary>
    private static readonly string[] PassedThrough =
        ["LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR", "XDG_RUNTIME_DIR", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME",
         "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy", "NODE_EXTRA_CA_CERTS", "SSL_CERT_FILE", "SSL_CERT_DIR"];

    /// <summary>How long an SDK step gets, after its token fires, to end on its own before we stop waiting for it.</summary>
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(1);

    private static readonly string ClientVersion = typeof(McpConnector).Assembly.GetName().Version?.ToString(3) ?? "1.0.0";

    private readonly ILogger _logger = loggerFactory.CreateLogger<McpConnector>();

    /// <exception cref="McpConnectionException">The server could not be started, reached or initialized.</exception>
    public async Task<McpConnection> ConnectAsync(McpServer server, CancellationToken cancellationToken)
    {
        var connection = new McpConnection(server, settings);
        var sdkLogging = new McpSdkLogging(loggerFactory);
        IClientTransport transport = server.Transport == McpTransport.Stdio ? StdioTransport(server, connection, sdkLogging) : HttpTransport(server, sdkLogging);
        var options = new McpClientOptions
        {
            ClientInfo = new Implementation { Name = "maestro", Version = ClientVersion },
            InitializationTimeout = settings.ConnectTimeout,
            Handlers = new McpClientHandlers
            {
                NotificationHandlers =
                [
                    new(NotificationMethods.ToolListChangedNotification, (_, _) =>
                    {
                        connection.InvalidateTools();
                        return ValueTask.CompletedTask;
                    }),
                ],
            },
        };

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.ConnectTimeout);
        try
        {
            connection.Attach(await Bounded(() => CreateClient(transport, options, sdkLogging, timeout.Token), server, timeout.Token));
            return connection;
        }
        catch (Exception ex) when (ex is not McpConnectionException)
        {
            if (transport is IAsyncDisposable disposable)
            {
                await DisposeBoundedAsync(disposable, server, "after it failed to connect");
            }

            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            if (server.Transport == McpTransport.Stdio && !timeout.IsCancellationRequested)
            {
                // The process died: give its last stderr lines a moment to arrive, they usually say why.
                await Task.Delay(200, CancellationToken.None);
            }

            throw Explain(server, ex, connection.StderrTail, timedOut: timeout.IsCancellationRequested);
        }
    }

    /// <summary>How the SDK client is created; a test swaps it for one that misbehaves.</summary>
    internal Func<IClientTransport, McpClientOptions, ILoggerFactory, CancellationToken, Task<McpClient>> CreateClient { get; init; } = McpClient.CreateAsync;

    /// <summary>
    /// Runs an SDK step on a thread of its own and stops waiting for it when <paramref name="cancellationToken"/> fires,
    /// whether or not the step honours it. On Linux a process that exits while its first stdin write is under way can
    /// leave that write spinning forever inside the runtime (the pipe's socket is disposed during its creation), and the
    /// SDK makes that write synchronously within the call; without this, the caller (a Test button, a turn) would wait
    /// with it. A client that arrives after we stopped waiting is disposed.
    /// </summary>
    private async Task<T> Bounded<T>(Func<Task<T>> step, McpServer server, CancellationToken cancellationToken)
    {
        var running = Task.Run(step, CancellationToken.None);
        try
        {
            return await running.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (!running.IsCompleted)
        {
            // A step that honours the token ends within moments, and what it throws says more than our cancellation.
            try
            {
                return await running.WaitAsync(StopGrace, CancellationToken.None);
            }
            catch (TimeoutException)
            {
            }

            _logger.LogWarning("MCP server '{Server}': an SDK call did not stop when asked; no longer waiting for it.", server.Name);
            _ = running.ContinueWith(
                static async t =>
                {
                    if (t.IsCompletedSuccessfully && t.Result is IAsyncDisposable late)
                    {
                        await late.DisposeAsync();
                    }
                },
                CancellationToken.None,
                TaskContinuationOptions.None,
                TaskScheduler.Default);
            throw new OperationCanceledException(cancellationToken);
        }
    }

    /// <summary>Lets a connection or transport go, waiting for it at most <see cref="McpSettings.ConnectTimeout"/>.</summary>
    private async Task DisposeBoundedAsync(IAsyncDisposable disposable, McpServer server, string when)
    {
        using var deadline = new CancellationTokenSource(settings.ConnectTimeout);
        try
        {
            await Bounded(async () =>
            {
                await disposable.DisposeAsync();
                return true;
            }, server, deadline.Token);
        }
        catch (OperationCanceledException)
        {
            _logger.LogWarning("MCP server '{Server}' was still shutting down {Timeout} {When}; left to finish on its own.", server.Name, settings.ConnectTimeout, when);
        }
    }

    /// <summary>Connects afresh (never through the pool, so it checks the saved configuration as it is now), lists the tools, disconnects.</summary>
    /// <exception cref="McpConnectionException">The server could not be started, reached or initialized, or did not list its tools.</exception>
    public async Task<McpTestResult> TestAsync(McpServer server, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();

        // Connecting has its own timeout (and reports it as one); listing the tools and letting the server go get one
        // too, so a Test always answers (a server that initializes and then never answers, or a process slow to exit,
        // cannot hold it up).
        var connection = await ConnectAsync(server, cancellationToken);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(settings.ConnectTimeout);
        try
        {
            IReadOnlyList<Tool> tools;
            try
            {
                tools = await Bounded(() => connection.GetToolsAsync(deadline.Token), server, deadline.Token);
            }
            catch (Exception ex) when (ex is not McpConnectionException && !cancellationToken.IsCancellationRequested)
            {
                throw Explain(server, ex, connection.StderrTail, timedOut: deadline.IsCancellationRequested, listing: true);
            }

            var info = connection.Client.ServerInfo;
            return new McpTestResult(
                server.Name,
                info?.Name,
                info?.Version,
                connection.Client.NegotiatedProtocolVersion,
                [.. tools.Select(t => new McpToolInfo(t.Name, t.Description, McpToolMapping.Effect(t.Annotations)))],
                clock.Elapsed);
        }
        finally
        {
            await DisposeBoundedAsync(connection, server, "after its test");
        }
    }

    private StdioClientTransport StdioTransport(McpServer server, McpConnection connection, ILoggerFactory sdkLogging)
    {
        if (server.WorkingDirectory is { } cwd && !Directory.Exists(cwd))
        {
            throw new McpConnectionException(server.Name, McpFailure.CommandNotFound,
                $"The working directory '{cwd}' of MCP server '{server.Name}' does not exist.",
                $"Create it, or change it with `maestro mcp edit {server.Name} --cwd DIR`.");
        }

        if (!CommandExists(server.Command!, server.WorkingDirectory))
        {
            throw new McpConnectionException(server.Name, McpFailure.CommandNotFound,
                $"Command '{server.Command}' of MCP server '{server.Name}' was not found{(server.Command!.Contains('/', StringComparison.Ordinal) ? "" : " on PATH")}.",
                $"Install it, or give its full path: `maestro mcp edit {server.Name} -- /path/to/{Path.GetFileName(server.Command)} ...`.");
        }

        var environment = StdioClientTransportOptions.GetDefaultEnvironmentVariables();
        foreach (var name in PassedThrough)
        {
            if (Environment.GetEnvironmentVariable(name) is { } value)
            {
                environment[name] = value;
            }
        }

        foreach (var (name, value) in server.Env)
        {
            environment[name] = value;
        }

        var logger = _logger;
        return new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = server.Name,
            Command = server.Command!,
            Arguments = [.. server.Args],
            WorkingDirectory = server.WorkingDirectory,
            InheritEnvironmentVariables = false,
            EnvironmentVariables = environment,
            ShutdownTimeout = TimeSpan.FromSeconds(2),
            StandardErrorLines = line =>
            {
                connection.OnStderr(line);
                logger.LogDebug("MCP server {Server} stderr: {Line}", server.Name, line);
            },
        }, sdkLogging);
    }

    private HttpClientTransport HttpTransport(McpServer server, ILoggerFactory sdkLogging) => new(
        new HttpClientTransportOptions
        {
            Name = server.Name,
            Endpoint = new Uri(server.Url!),
            TransportMode = server.Transport == McpTransport.Sse ? HttpTransportMode.Sse : HttpTransportMode.StreamableHttp,
            AdditionalHeaders = new Dictionary<string, string>(server.Headers, StringComparer.OrdinalIgnoreCase),
            ConnectionTimeout = settings.ConnectTimeout,
        },
        httpClientFactory.CreateClient(HttpClientName),
        sdkLogging,
        ownsHttpClient: true);

    /// <summary>Looks the command up the way the process will be started: a path as given, a bare name on PATH.</summary>
    private static bool CommandExists(string command, string? workingDirectory)
    {
        if (command.Contains('/', StringComparison.Ordinal))
        {
            return File.Exists(Path.IsPathRooted(command) ? command : Path.Combine(workingDirectory ?? Environment.CurrentDirectory, command));
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Any(dir => File.Exists(Path.Combine(dir, command)));
    }

    private McpConnectionException Explain(McpServer server, Exception exception, IReadOnlyList<string> stderr, bool timedOut, bool listing = false)
    {
        _logger.LogDebug(exception, "MCP server {Server} failed to {Step}", server.Name, listing ? "list its tools" : "start");
        var name = server.Name;
        var where = server.Transport == McpTransport.Stdio ? $"MCP server '{name}'" : $"MCP server '{name}' at {McpRedaction.RedactUrl(server.Url)}";
        if (timedOut || exception is TimeoutException)
        {
            return new McpConnectionException(name, McpFailure.Timeout,
                WithStderr($"{where} did not {(listing ? "list its tools" : "finish initializing")} within {settings.ConnectTimeout.TotalSeconds:0} s.", stderr),
                server.Transport == McpTransport.Stdio
                    ? "Check that the command runs an MCP server on stdio (not a web server or an interactive program); raise MAESTRO_MCP_TIMEOUT if it is just slow."
                    : "Check the URL and that the server is up; raise MAESTRO_MCP_TIMEOUT if it is just slow.",
                stderr, exception);
        }

        for (var ex = exception; ex is not null; ex = ex.InnerException)
        {
            switch (ex)
            {
                case ClientTransportClosedException { Details: StdioClientCompletionDetails stdio }:
                    var tail = stdio.StandardErrorTail is { Count: > 0 } t ? [.. t] : stderr;
                    var code = stdio.ExitCode is { } c ? $" with code {c}" : "";
                    return new McpConnectionException(name, McpFailure.Exited,
                        WithStderr($"{where} exited{code} before it finished initializing.", tail),
                        tail.Count == 0 ? "It printed nothing on stderr; run the command by hand to see what it does." : null,
                        tail, exception);
                case ClientTransportClosedException { Details: HttpClientCompletionDetails { HttpStatusCode: { } status } }:
                    return HttpStatus(server, where, status, exception);
                case HttpRequestException { StatusCode: { } status }:
                    return HttpStatus(server, where, status, exception);
                case HttpRequestException { InnerException: SocketException { SocketErrorCode: SocketError.ConnectionRefused } }:
                    return new McpConnectionException(name, McpFailure.ConnectionRefused,
                        $"Cannot connect to {where}: connection refused.", "Is the server running, and listening on that host and port?", inner: exception);
                case HttpRequestException http:
                    return new McpConnectionException(name, McpFailure.HttpError, $"Cannot reach {where}: {http.Message}", inner: exception);
                case Win32Exception start when start is not SocketException && server.Transport == McpTransport.Stdio:
                    return new McpConnectionException(name, McpFailure.CommandNotFound,
                        $"Cannot start '{server.Command}' for MCP server '{name}': {start.Message}.", inner: exception);
                case McpProtocolException protocol:
                    return new McpConnectionException(name, McpFailure.Protocol,
                        WithStderr($"{where} {(listing ? "failed to list its tools" : "refused to initialize")}: {protocol.Message}", stderr),
                        stderrTail: stderr, inner: exception);
                default:
                    break;
            }
        }

        if (server.Transport == McpTransport.Stdio && exception is IOException or ClientTransportClosedException)
        {
            // The SDK reports a process that died during the handshake as an IOException whose message holds the exit
            // code and its own copy of the stderr tail (ours may still be draining).
            var tail = stderr.Count > 0 ? stderr : SdkStderrTail(exception.Message);
            var code = ExitCode().Match(exception.Message) is { Success: true } m ? $" with code {m.Groups[1].Value}" : "";
            return new McpConnectionException(name, McpFailure.Exited,
                WithStderr($"{where} exited{code} before it finished initializing.", tail),
                tail.Count == 0 ? "It printed nothing on stderr; run the command by hand to see what it does." : null,
                tail, exception);
        }

        return new McpConnectionException(name, McpFailure.Other,
            WithStderr($"{where} could not be {(listing ? "asked for its tools" : "started")}: {exception.Message}", stderr), stderrTail: stderr, inner: exception);
    }

    private static McpConnectionException HttpStatus(McpServer server, string where, HttpStatusCode status, Exception exception) =>
        status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
            ? new McpConnectionException(server.Name, McpFailure.Unauthorized,
                $"{where} answered {(int)status} {(status == HttpStatusCode.Unauthorized ? "Unauthorized" : "Forbidden")}.",
                $"Check its credentials: `maestro mcp edit {server.Name} --header-env Authorization=VAR` sets the Authorization header from an environment variable.",
                inner: exception)
            : new McpConnectionException(server.Name, McpFailure.HttpError,
                $"{where} answered HTTP {(int)status} {status}.",
                status == HttpStatusCode.NotFound ? "Check the URL's path (streamable HTTP servers often serve /mcp, SSE servers /sse)." : null,
                inner: exception);

    private static List<string> SdkStderrTail(string message)
    {
        var at = message.IndexOf("stderr tail:", StringComparison.OrdinalIgnoreCase);
        return at < 0 ? [] : [.. message[(at + "stderr tail:".Length)..].Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
    }

    [GeneratedRegex(@"exit code:? (-?\d+)")]
    private static partial Regex ExitCode();

    private static string WithStderr(string message, IReadOnlyList<string> stderr) =>
        stderr.Count == 0 ? message : $"{message}\nLast lines of its stderr:\n{string.Join('\n', stderr.TakeLast(10).Select(l => "  " + l))}";
}

/// <summary>How an MCP tool looks to the model and to the permission policy.</summary>
public static class McpToolMapping
{
    /// <summary>
    /// From the tool's annotations: read-only → ReadOnly (runs without asking by default), open-world → Network, anything
    /// else (or no annotations) → Executes. A tool that also says it is destructive is never taken as read-only.
    /// </summary>
    public static ToolEffect Effect(ToolAnnotations? annotations) => annotations switch
    {
        { ReadOnlyHint: true, DestructiveHint: not true } => ToolEffect.ReadOnly,
        { OpenWorldHint: true } => ToolEffect.Network,
        _ => ToolEffect.Executes,
    };

    public static ToolDefinition Definition(McpServer server, Tool tool) => new(
        tool.Name,
        tool.Description ?? tool.Title ?? tool.Annotations?.Title ?? "",
        tool.InputSchema.Clone(),
        Effect(tool.Annotations),
        server.ToolSource);
}
