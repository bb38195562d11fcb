using System.Text.Json;
using Maestro.Core.Mcp;
using Maestro.Core.Secrets;
using Maestro.Core.Tools;

namespace Maestro.Web.Api;

/// <summary>
/// An MCP server as the API, `--json` output and the UI show it: env and header names with their values redacted,
/// and secret-looking arguments and URL parts replaced by "redacted" (<see cref="McpRedaction"/>; sent back in an edit,
/// that means "unchanged").
/// </summary>
public sealed record McpServerView(
    Guid Id,
    string Name,
    string Transport,
    string? Command,
    IReadOnlyList<string> Args,
    string? WorkingDirectory,
    string? Url,
    IReadOnlyDictionary<string, string> Env,
    IReadOnlyDictionary<string, string> Headers,
    bool Enabled,
    int Version,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static McpServerView From(McpServer s) => new(
        s.Id, s.Name, s.Transport.ToWire(), s.Command, McpRedaction.RedactArgs(s.Args), s.WorkingDirectory, McpRedaction.RedactUrl(s.Url),
        s.Env.ToDictionary(e => e.Key, e => Redaction.Redact(e.Value), StringComparer.Ordinal),
        s.Headers.ToDictionary(h => h.Key, h => Redaction.Redact(h.Value), StringComparer.OrdinalIgnoreCase),
        s.Enabled, s.Version, s.CreatedAt, s.UpdatedAt);

    /// <summary>The command line or URL, for one-line displays.</summary>
    public string Target => Transport == "stdio"
        ? string.Join(' ', new[] { Command! }.Concat(Args).Select(ShellWords.Quote))
        : Url!;
}

/// <summary>
/// POST (create) and PATCH (edit) of an MCP server. On PATCH, absent members stay as they are; in env and headers a
/// null value removes that entry; working_directory "" removes it.
/// </summary>
public sealed record McpServerRequest(
    string? Name,
    string? Transport,
    string? Command,
    IReadOnlyList<string>? Args,
    IReadOnlyDictionary<string, string?>? Env,
    string? WorkingDirectory,
    string? Url,
    IReadOnlyDictionary<string, string?>? Headers,
    bool? Enabled)
{
    public McpServerSpec ToSpec() => new()
    {
        Name = Name,
        Transport = Transport,
        Command = Command,
        Args = Args,
        Env = Env,
        WorkingDirectory = WorkingDirectory,
        Url = Url,
        Headers = Headers,
        Enabled = Enabled,
    };
}

/// <summary>
/// POST /api/mcp-servers/import: <c>json</c> is the <c>mcpServers</c> configuration (an object, or a string holding it);
/// <c>command</c> is one or more <c>claude mcp add ...</c> lines.
/// </summary>
public sealed record McpImportRequest(JsonElement? Json, string? Command);

public sealed record McpImportView(int Imported, int Skipped, int Rejected, IReadOnlyList<McpImportEntryView> Servers)
{
    public static McpImportView From(McpImportReport report) => new(
        report.Imported, report.Skipped, report.Rejected, [.. report.Entries.Select(McpImportEntryView.From)]);
}

/// <param name="Outcome">imported, skipped (the name exists; the existing server was kept) or rejected.</param>
public sealed record McpImportEntryView(string Name, string Outcome, string Message, McpServerView? Server)
{
    public static McpImportEntryView From(McpImportEntry e) =>
        new(e.Name, e.Outcome.ToWire(), e.Message, e.Server is null ? null : McpServerView.From(e.Server));
}

/// <summary>
/// The result of testing a server. A server that fails is a test result, not an API error: <c>ok</c> is false and
/// <c>error</c>, <c>failure</c> (command_not_found, exited, connection_refused, unauthorized, http_error, timeout,
/// protocol, failed), <c>hint</c> and <c>stderr</c> say why.
/// </summary>
public sealed record McpTestView(
    bool Ok,
    string Server,
    string? ServerName,
    string? ServerVersion,
    string? ProtocolVersion,
    IReadOnlyList<McpToolView> Tools,
    double ElapsedMs,
    string? Error = null,
    string? Failure = null,
    string? Hint = null,
    IReadOnlyList<string>? Stderr = null)
{
    public static McpTestView From(McpTestResult r) => new(
        true, r.Server, r.ServerName, r.ServerVersion, r.ProtocolVersion, [.. r.Tools.Select(McpToolView.From)], Math.Round(r.Elapsed.TotalMilliseconds, 1));

    public static McpTestView From(McpConnectionException e, TimeSpan elapsed) => new(
        false, e.Server, null, null, null, [], Math.Round(elapsed.TotalMilliseconds, 1), e.Message, e.FailureWire, e.Hint, e.StderrTail);
}

/// <param name="Effect">read_only (runs without asking by default), network, executes or writes: from the tool's annotations.</param>
public sealed record McpToolView(string Name, string? Description, string Effect)
{
    public static McpToolView From(McpToolInfo t) => new(t.Name, t.Description, EffectName(t.Effect));

    public static string EffectName(ToolEffect effect) => effect switch
    {
        ToolEffect.ReadOnly => "read_only",
        ToolEffect.Writes => "writes",
        ToolEffect.Network => "network",
        _ => "executes",
    };
}
