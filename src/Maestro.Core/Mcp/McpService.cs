using System.Text.RegularExpressions;
using Maestro.Core.Errors;
using Maestro.Core.Sessions;

namespace Maestro.Core.Mcp;

/// <summary>
/// Adds, edits, removes, imports and tests MCP servers, with the same validation for the CLI, the REST API and the UI.
/// Names follow the session rule; env values and headers are kept encrypted and shown only redacted.
/// </summary>
public sealed partial class McpService(IMcpServerStore store, McpConnector connector, McpClientPool pool, TimeProvider time)
{
    public const string NameRule = SessionNames.Rule;

    public Task<IReadOnlyList<McpServer>> ListAsync(CancellationToken cancellationToken) => store.ListAsync(cancellationToken);

    /// <summary>By name, or by id.</summary>
    public async Task<McpServer> GetAsync(string nameOrId, CancellationToken cancellationToken)
    {
        var server = await store.FindAsync(nameOrId, cancellationToken)
            ?? (Guid.TryParse(nameOrId, out var id) ? await store.GetAsync(id, cancellationToken) : null);
        return server ?? throw new NotFoundException($"No MCP server named '{nameOrId}'.", "See `maestro mcp list` for your MCP servers.");
    }

    public async Task<McpServer> CreateAsync(McpServerSpec spec, CancellationToken cancellationToken)
    {
        var server = Apply(null, spec);
        return await store.CreateAsync(server, cancellationToken);
    }

    public async Task<McpServer> UpdateAsync(string nameOrId, McpServerSpec spec, CancellationToken cancellationToken)
    {
        var existing = await GetAsync(nameOrId, cancellationToken);
        var updated = await store.UpdateAsync(Apply(existing, spec), cancellationToken);
        // The next turn would reconnect anyway (newer version); closing now stops an old process at once.
        await pool.EvictAsync(updated.Id);
        return updated;
    }

    /// <summary>Deletes the server and detaches it from every session that used it.</summary>
    public async Task<McpServer> DeleteAsync(string nameOrId, CancellationToken cancellationToken)
    {
        var server = await GetAsync(nameOrId, cancellationToken);
        if (!await store.DeleteAsync(server.Id, cancellationToken))
        {
            throw new NotFoundException($"No MCP server named '{nameOrId}'.");
        }

        await pool.EvictAsync(server.Id);
        return server;
    }

    /// <summary>Starts or reaches the server, initializes it and lists its tools.</summary>
    /// <exception cref="McpConnectionException">It failed; the message says why (with the end of its stderr for a local server).</exception>
    public async Task<McpTestResult> TestAsync(string nameOrId, CancellationToken cancellationToken) =>
        await connector.TestAsync(await GetAsync(nameOrId, cancellationToken), cancellationToken);

    /// <inheritdoc cref="TestAsync(string, CancellationToken)"/>
    public Task<McpTestResult> TestAsync(McpServer server, CancellationToken cancellationToken) => connector.TestAsync(server, cancellationToken);

    /// <summary>Imports the <c>mcpServers</c> JSON of Claude Desktop, Claude Code or Cursor.</summary>
    /// <exception cref="ValidationFailedException">The text is not JSON, or not an object of servers.</exception>
    public Task<McpImportReport> ImportJsonAsync(string json, CancellationToken cancellationToken) =>
        ImportAsync(McpJsonImport.Parse(json), cancellationToken);

    /// <summary>Imports <c>claude mcp add ...</c> / <c>claude mcp add-json ...</c> command lines.</summary>
    /// <exception cref="ValidationFailedException">A quote is not closed, or there is no command.</exception>
    public Task<McpImportReport> ImportClaudeCommandsAsync(string commands, CancellationToken cancellationToken) =>
        ImportAsync(ClaudeMcpCommand.Parse(commands), cancellationToken);

    /// <summary>Each server on its own: a duplicate name keeps the existing server, an invalid entry is reported, the rest are saved.</summary>
    public async Task<McpImportReport> ImportAsync(IReadOnlyList<McpImportCandidate> candidates, CancellationToken cancellationToken)
    {
        var entries = new List<McpImportEntry>();
        foreach (var candidate in candidates)
        {
            if (candidate.Spec is null)
            {
                entries.Add(new McpImportEntry(candidate.Name, McpImportOutcome.Rejected, candidate.Problem ?? "invalid entry."));
                continue;
            }

            McpServer server;
            try
            {
                server = Apply(null, candidate.Spec);
            }
            catch (ValidationFailedException ex)
            {
                entries.Add(new McpImportEntry(candidate.Name, McpImportOutcome.Rejected, string.Join(" ", ex.Errors.SelectMany(e => e.Value))));
                continue;
            }

            var skipped = new McpImportEntry(candidate.Name, McpImportOutcome.Skipped,
                $"an MCP server named '{candidate.Name}' already exists; kept the existing one.");
            if (await store.FindAsync(server.Name, cancellationToken) is not null)
            {
                entries.Add(skipped);
                continue;
            }

            try
            {
                var created = await store.CreateAsync(server, cancellationToken);
                var notes = candidate.Notes.Count == 0 ? "" : $" ({string.Join("; ", candidate.Notes)})";
                entries.Add(new McpImportEntry(candidate.Name, McpImportOutcome.Imported, $"{created.Transport.ToWire()}: {created.Target}{notes}", created));
            }
            catch (ConflictException)
            {
                entries.Add(skipped);
            }
        }

        return new McpImportReport(entries);
    }

    /// <summary>Validates <paramref name="spec"/> against the existing server (null on create) and returns the result, unsaved.</summary>
    /// <exception cref="ValidationFailedException">Every problem found, by field.</exception>
    public McpServer Apply(McpServer? existing, McpServerSpec spec)
    {
        var errors = new FieldErrors();
        var name = spec.Name ?? existing?.Name;
        if (name is null)
        {
            errors.Add("name", $"Name is required: {NameRule}.");
        }
        else if (!SessionNames.IsValid(name))
        {
            errors.Add("name", $"'{name}' is not a valid MCP server name: use {NameRule}.");
        }

        var transport = ResolveTransport(existing, spec, errors);
        var wasStdio = existing?.Transport == McpTransport.Stdio;
        var wasRemote = existing is not null && existing.Transport.IsRemote();

        string? command = null;
        IReadOnlyList<string> args = [];
        string? workingDirectory = null;
        string? url = null;
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

        if (transport == McpTransport.Stdio)
        {
            command = spec.Command is null ? (wasStdio ? existing!.Command : null) : spec.Command.Trim();
            if (string.IsNullOrEmpty(command))
            {
                errors.Add("command", "A stdio server needs a command, e.g. `npx -y @modelcontextprotocol/server-everything`.");
            }

            args = spec.Args is { } given
                ? Restored(() => McpRedaction.RestoreArgs(given, wasStdio ? existing!.Args : []), given, errors)
                : spec.Command is null && wasStdio ? existing!.Args : [];
            workingDirectory = ResolveWorkingDirectory(spec.WorkingDirectory, wasStdio ? existing!.WorkingDirectory : null, errors);
            Merge(env, wasStdio ? existing!.Env : null, spec.Env, "env", ValidEnvName, "an environment variable name (letters, digits and '_', not starting with a digit)", errors);
            if (spec.Url is not null)
            {
                errors.Add("url", "A URL applies only to http and sse servers; a stdio server runs a command.");
            }

            if (spec.Headers?.Any(h => h.Value is not null) == true)
            {
                errors.Add("headers", "Headers apply only to http and sse servers; give a stdio server its secrets as env variables.");
            }
        }
        else if (transport is { } remote)
        {
            url = spec.Url is { } givenUrl
                ? Restored(() => McpRedaction.RestoreUrl(givenUrl.Trim(), wasRemote ? existing!.Url : null), givenUrl.Trim(), errors)
                : wasRemote ? existing!.Url : null;
            if (string.IsNullOrEmpty(url))
            {
                errors.Add("url", $"A {remote.ToWire()} server needs a URL, e.g. https://example.com/mcp.");
            }
            else if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                errors.Add("url", $"'{url}' is not an absolute http(s) URL.");
            }

            Merge(headers, wasRemote ? existing!.Headers : null, spec.Headers, "headers", ValidHeaderName, "an HTTP header name", errors);
            if (spec.Command is not null || spec.Args is not null)
            {
                errors.Add("command", $"A command applies only to stdio servers; a {remote.ToWire()} server is reached at its URL.");
            }

            if (spec.Env?.Any(e => e.Value is not null) == true)
            {
                errors.Add("env", "Env variables apply only to stdio servers; send a remote server its token as a header (e.g. Authorization).");
            }

            if (spec.WorkingDirectory is { Length: > 0 })
            {
                errors.Add("working_directory", "A working directory applies only to stdio servers.");
            }
        }

        errors.ThrowIfAny();
        var now = time.GetUtcNow();
        return new McpServer(
            existing?.Id ?? Guid.CreateVersion7(),
            name!,
            transport!.Value,
            command,
            args,
            env,
            workingDirectory,
            url,
            headers,
            spec.Enabled ?? existing?.Enabled ?? true,
            existing?.Version ?? 1,
            existing?.CreatedAt ?? now,
            now);
    }

    /// <summary>A value of an edit with "redacted" parts put back from the stored one; a part nothing stands for is a field error.</summary>
    private static T Restored<T>(Func<T> restore, T given, FieldErrors errors)
    {
        try
        {
            return restore();
        }
        catch (ValidationFailedException ex)
        {
            foreach (var (field, messages) in ex.Errors)
            {
                foreach (var message in messages)
                {
                    errors.Add(field, message);
                }
            }

            return given;
        }
    }

    private static McpTransport? ResolveTransport(McpServer? existing, McpServerSpec spec, FieldErrors errors)
    {
        if (spec.Transport is not null)
        {
            var parsed = McpTransportNames.TryParse(spec.Transport);
            if (parsed is null)
            {
                errors.Add("transport", $"'{spec.Transport}' is not a transport: use {McpTransportNames.Allowed}.");
            }

            return parsed;
        }

        if (spec.Command is not null && spec.Url is not null)
        {
            errors.Add("url", "Give either a command (a local server) or a URL (a remote one), not both.");
            return null;
        }

        if (spec.Url is not null)
        {
            return existing is not null && existing.Transport.IsRemote() ? existing.Transport : McpTransport.Http;
        }

        if (spec.Command is not null)
        {
            return McpTransport.Stdio;
        }

        if (existing is null)
        {
            errors.Add("command", "Give a command to run (a local stdio server) or a URL (a remote http server).");
        }

        return existing?.Transport;
    }

    private static string? ResolveWorkingDirectory(string? given, string? current, FieldErrors errors)
    {
        if (given is null)
        {
            return current;
        }

        if (given.Length == 0)
        {
            return null;
        }

        var full = Path.GetFullPath(given);
        if (!Directory.Exists(full))
        {
            errors.Add("working_directory", $"The directory '{full}' does not exist.");
            return null;
        }

        return Path.TrimEndingDirectorySeparator(full);
    }

    /// <summary>Starts from <paramref name="current"/>, then applies <paramref name="changes"/> (a null value removes the entry).</summary>
    private static void Merge(
        Dictionary<string, string> target,
        IReadOnlyDictionary<string, string>? current,
        IReadOnlyDictionary<string, string?>? changes,
        string field,
        Func<string, bool> validName,
        string what,
        FieldErrors errors)
    {
        foreach (var (key, value) in current ?? new Dictionary<string, string>())
        {
            target[key] = value;
        }

        foreach (var (key, value) in changes ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                target.Remove(key);
            }
            else if (!validName(key))
            {
                errors.Add(field, $"'{key}' is not {what}.");
            }
            else if (value.Contains('\n', StringComparison.Ordinal) || value.Contains('\r', StringComparison.Ordinal) || value.Contains('\0', StringComparison.Ordinal))
            {
                errors.Add(field, $"The value of {key} contains a line break or NUL character.");
            }
            else
            {
                target[key] = value;
            }
        }
    }

    private static bool ValidEnvName(string name) => EnvName().IsMatch(name);

    private static bool ValidHeaderName(string name) => HeaderName().IsMatch(name);

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex EnvName();

    // RFC 9110 token characters.
    [GeneratedRegex("^[A-Za-z0-9!#$%&'*+.^_`|~-]+$")]
    private static partial Regex HeaderName();
}
