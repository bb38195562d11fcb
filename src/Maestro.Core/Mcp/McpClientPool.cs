using Microsoft.Extensions.Logging;

namespace Maestro.Core.Mcp;

/// <summary>
/// One live connection per MCP server, shared by every session and turn of this process. A connection is made on first
/// use, made again when the server's configuration changed (a newer <see cref="McpServer.Version"/>) or when the server
/// crashed, and closed (the process stopped) when the pool is disposed with the application.
/// </summary>
public sealed class McpClientPool(McpConnector connector, ILogger<McpClientPool> logger) : IAsyncDisposable, IDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, Entry> _entries = [];
    private readonly CancellationTokenSource _shutdown = new();
    private bool _disposed;

    /// <summary>The shared connection to the server, connecting first if needed.</summary>
    /// <exception cref="McpConnectionException">The server could not be started, reached or initialized.</exception>
    public async Task<McpConnection> GetAsync(McpServer server, CancellationToken cancellationToken)
    {
        Entry entry;
        Entry? replaced = null;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            // An older snapshot (a turn that started before an edit) uses the newer connection rather than undoing it.
            if (!_entries.TryGetValue(server.Id, out entry!) || entry.Version < server.Version || entry.IsBroken)
            {
                replaced = entry;
                // Not tied to the caller's token: the connection is shared and outlives the request that made it.
                entry = new Entry(server.Version, connector.ConnectAsync(server, _shutdown.Token));
                _entries[server.Id] = entry;
            }
        }

        if (replaced is not null)
        {
            logger.LogDebug("Replacing the connection to MCP server {Server}", server.Name);
            _ = CloseAsync(replaced);
        }

        try
        {
            return await entry.Connecting.WaitAsync(cancellationToken);
        }
        catch when (!cancellationToken.IsCancellationRequested)
        {
            Forget(server.Id, entry);
            throw;
        }
    }

    /// <summary>
    /// Drops a connection that failed under a call (a remote server that lost the session, a pipe that broke), so the
    /// next call connects again; a newer connection made meanwhile is left alone.
    /// </summary>
    public async Task DiscardAsync(Guid serverId, McpConnection connection)
    {
        Entry? entry = null;
        lock (_gate)
        {
            if (_entries.TryGetValue(serverId, out var current) && current.Connecting.IsCompletedSuccessfully &&
                ReferenceEquals(current.Connecting.Result, connection))
            {
                _entries.Remove(serverId);
                entry = current;
            }
        }

        if (entry is not null)
        {
            logger.LogInformation("Dropped the connection to MCP server {Server} after a failed call; the next call reconnects", connection.Server.Name);
            await CloseAsync(entry);
        }
    }

    /// <summary>Closes the server's connection, if any (after it was deleted, disabled or edited).</summary>
    public async Task EvictAsync(Guid serverId)
    {
        Entry? entry;
        lock (_gate)
        {
            if (!_entries.Remove(serverId, out entry))
            {
                return;
            }
        }

        await CloseAsync(entry);
    }

    public async ValueTask DisposeAsync()
    {
        List<Entry> entries;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            entries = [.. _entries.Values];
            _entries.Clear();
        }

        await _shutdown.CancelAsync();
        await Task.WhenAll(entries.Select(CloseAsync));
        _shutdown.Dispose();
    }

    /// <summary>For containers disposed synchronously; prefer <see cref="DisposeAsync"/>.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private void Forget(Guid serverId, Entry entry)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(serverId, out var current) && ReferenceEquals(current, entry))
            {
                _entries.Remove(serverId);
            }
        }
    }

    private async Task CloseAsync(Entry entry)
    {
        try
        {
            var connection = await entry.Connecting;
            await connection.DisposeAsync();
        }
        catch (Exception ex)
        {
            // It never connected, or is already gone: nothing left to close.
            logger.LogDebug(ex, "Closing an MCP connection failed");
        }
    }

    private sealed class Entry(int version, Task<McpConnection> connecting)
    {
        public int Version { get; } = version;

        public Task<McpConnection> Connecting { get; } = connecting;

        public bool IsBroken => Connecting.IsFaulted || Connecting.IsCanceled || (Connecting.IsCompletedSuccessfully && !Connecting.Result.IsAlive);
    }
}
