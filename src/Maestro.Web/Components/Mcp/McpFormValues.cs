using Maestro.Core.Errors;
using Maestro.Core.Mcp;
using Maestro.Web.Api;
using Microsoft.AspNetCore.Http;

namespace Maestro.Web.Components.Mcp;

/// <summary>
/// What the MCP server form shows and posts. Env and header values are never shown: an edit sets or replaces the
/// entries typed (KEY=value, Name: value, one per line) and removes the ones ticked.
/// </summary>
public sealed record McpFormValues
{
    public string Name { get; init; } = "";

    /// <summary>"" infers it: stdio with a command, http with a URL.</summary>
    public string Transport { get; init; } = "";

    /// <summary>The program and its arguments, as a shell would split them.</summary>
    public string CommandLine { get; init; } = "";

    public string Url { get; init; } = "";

    public string WorkingDirectory { get; init; } = "";

    public string Env { get; init; } = "";

    public string Headers { get; init; } = "";

    public bool Enabled { get; init; } = true;

    public IReadOnlySet<string> RemoveEnv { get; init; } = new HashSet<string>();

    public IReadOnlySet<string> RemoveHeaders { get; init; } = new HashSet<string>();

    public static McpFormValues From(McpServerView s) => new()
    {
        Name = s.Name,
        Transport = s.Transport,
        CommandLine = s.Transport == "stdio" ? s.Target : "",
        Url = s.Transport == "stdio" ? "" : s.Url ?? "",
        WorkingDirectory = s.WorkingDirectory ?? "",
        Enabled = s.Enabled,
    };

    public static McpFormValues From(IFormCollection form) => new()
    {
        Name = form["name"].ToString().Trim(),
        Transport = form["transport"].ToString(),
        CommandLine = form["command_line"].ToString().Trim(),
        Url = form["url"].ToString().Trim(),
        WorkingDirectory = form["working_directory"].ToString().Trim(),
        Env = form["env"].ToString(),
        Headers = form["headers"].ToString(),
        Enabled = form["enabled"].ToString() is "on" or "true",
        RemoveEnv = form["remove_env"].Select(v => v ?? "").ToHashSet(StringComparer.Ordinal),
        RemoveHeaders = form["remove_headers"].Select(v => v ?? "").ToHashSet(StringComparer.OrdinalIgnoreCase),
    };

    /// <summary>The spec McpService validates (so the form shows the API's messages); lines that do not parse are reported here.</summary>
    public McpServerSpec ToSpec(bool creating, FieldErrors errors)
    {
        IReadOnlyList<string>? words = null;
        if (CommandLine.Length > 0)
        {
            try
            {
                words = ShellWords.Split(CommandLine);
            }
            catch (FormatException ex)
            {
                errors.Add("command", $"The command line cannot be split: {ex.Message}");
            }
        }

        return new McpServerSpec
        {
            Name = Name,
            Transport = Transport.Length == 0 ? null : Transport,
            Command = words is { Count: > 0 } ? words[0] : null,
            Args = words is { Count: > 0 } ? [.. words.Skip(1)] : null,
            Url = Url.Length == 0 ? null : Url,
            WorkingDirectory = WorkingDirectory.Length == 0 && creating ? null : WorkingDirectory,
            Env = Pairs(Env, '=', "env", "KEY=value", RemoveEnv, errors),
            Headers = Pairs(Headers, ':', "headers", "Name: value", RemoveHeaders, errors),
            Enabled = Enabled,
        };
    }

    private static Dictionary<string, string?>? Pairs(string text, char separator, string field, string shape, IReadOnlySet<string> remove, FieldErrors errors)
    {
        var result = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var name in remove)
        {
            result[name] = null;
        }

        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0)
            {
                continue;
            }

            var at = line.IndexOf(separator, StringComparison.Ordinal);
            if (at <= 0)
            {
                errors.Add(field, $"Line {i + 1}: write {shape}, one per line.");
                continue;
            }

            result[line[..at].Trim()] = line[(at + 1)..].Trim();
        }

        return result.Count == 0 ? null : result;
    }
}
