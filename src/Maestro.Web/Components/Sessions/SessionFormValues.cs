using System.Globalization;
using Maestro.Core.Sessions;
using Microsoft.AspNetCore.Http;

namespace Maestro.Web.Components.Sessions;

/// <summary>What the session form shows: a saved session's settings, defaults, or what the user just posted.</summary>
public sealed record SessionFormValues
{
    public string Name { get; init; } = "";

    public string Auth { get; init; } = "";

    public string Model { get; init; } = "";

    /// <summary>Keep the model even when the auth does not list it.</summary>
    public bool ForceModel { get; init; }

    public string WorkingDirectory { get; init; } = "";

    /// <summary>Enabled built-in tools; null = all of them.</summary>
    public IReadOnlySet<string>? Tools { get; init; }

    /// <summary>The saved prompt stack (a session's settings); the form shows it checked.</summary>
    public IReadOnlyList<PromptRef> PromptStack { get; init; } = [];

    /// <summary>Prompts chosen in a posted form, as name or name@version, in the form's order.</summary>
    public IReadOnlyList<string>? Prompts { get; init; }

    /// <summary>Names of the attached MCP servers.</summary>
    public IReadOnlySet<string> McpServers { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>"" = the default policy (read-only tools run, others ask), or allow/ask/deny.</summary>
    public string Approve { get; init; } = "";

    /// <summary>The form was posted (an unchecked box is then a choice, not a missing field).</summary>
    public bool ToolsPosted { get; init; }

    public string SystemPrompt { get; init; } = "";

    public string Temperature { get; init; } = "";

    public string MaxOutputTokens { get; init; } = "";

    public string ReasoningEffort { get; init; } = "";

    public string RoundLimit { get; init; } = "";

    public bool AutoCompact { get; init; } = true;

    /// <summary>Secret-looking variables the shell gets anyway, as typed: names separated by commas or spaces.</summary>
    public string ShellEnvPassthrough { get; init; } = "";

    public static SessionFormValues From(Session s, IReadOnlyDictionary<Guid, string>? mcpNames = null) => new()
    {
        McpServers = s.McpServerIds.Select(id => mcpNames?.GetValueOrDefault(id)).OfType<string>().ToHashSet(StringComparer.Ordinal),
        PromptStack = s.PromptStack,
        Name = s.Name,
        Auth = s.Auth?.ToString() ?? "",
        Model = s.Model,
        WorkingDirectory = s.WorkingDirectory ?? "",
        Tools = s.EnabledTools?.ToHashSet(StringComparer.Ordinal),
        Approve = s.Policy.Default is { } p ? Core.Tools.ToolPermissionNames.ToWire(p) : "",
        SystemPrompt = s.SystemPrompt ?? "",
        Temperature = s.Settings.Temperature?.ToString(CultureInfo.InvariantCulture) ?? "",
        MaxOutputTokens = s.Settings.MaxOutputTokens?.ToString(CultureInfo.InvariantCulture) ?? "",
        ReasoningEffort = s.Settings.ReasoningEffort ?? "",
        RoundLimit = s.Settings.RoundLimit.ToString(CultureInfo.InvariantCulture),
        AutoCompact = s.Settings.AutoCompact,
        ShellEnvPassthrough = string.Join(", ", s.Settings.ShellEnvPassthrough),
    };

    public static SessionFormValues From(IFormCollection form, IReadOnlyList<string> allTools)
    {
        var tools = form["tools"].Where(t => !string.IsNullOrEmpty(t)).Select(t => t!).ToHashSet(StringComparer.Ordinal);
        return new SessionFormValues
        {
            Name = form["name"].ToString().Trim(),
            Auth = form["auth"].ToString(),
            Model = form["model"].ToString().Trim(),
            ForceModel = form["force_model"].ToString() is "on" or "true",
            WorkingDirectory = form["working_directory"].ToString().Trim(),
            Tools = tools.Count == allTools.Count && allTools.All(tools.Contains) ? null : tools,
            ToolsPosted = true,
            McpServers = form["mcp_servers"].Where(n => !string.IsNullOrEmpty(n)).Select(n => n!).ToHashSet(StringComparer.Ordinal),
            Prompts = [.. form["prompts"].Where(n => !string.IsNullOrEmpty(n)).Select(n => n!)],
            Approve = form["approve"].ToString(),
            SystemPrompt = form["system_prompt"].ToString(),
            Temperature = form["temperature"].ToString().Trim(),
            MaxOutputTokens = form["max_output_tokens"].ToString().Trim(),
            ReasoningEffort = form["reasoning_effort"].ToString(),
            RoundLimit = form["round_limit"].ToString().Trim(),
            AutoCompact = form["auto_compact"].ToString() is "on" or "true",
            ShellEnvPassthrough = form["shell_env_passthrough"].ToString().Trim(),
        };
    }

    /// <summary>
    /// The spec the services validate (so the form shows the REST API's messages). Numbers that do not parse are
    /// reported here, in the same words.
    /// </summary>
    public SessionSpec ToSpec(bool creating, IReadOnlyList<string> allTools, Core.Errors.FieldErrors errors) => new()
    {
        Name = Name,
        Auth = Auth.Length == 0 && creating ? null : Auth,
        Model = Model.Length == 0 && creating ? null : Model,
        ForceModel = ForceModel,
        WorkingDirectory = WorkingDirectory.Length == 0 && creating ? null : WorkingDirectory,
        Tools = Tools is not null ? [.. Tools.Order(StringComparer.Ordinal)] : creating || !ToolsPosted ? null : allTools,
        Approve = Approve.Length == 0 ? null : Approve,
        SystemPrompt = SystemPrompt.Length == 0 && creating ? null : SystemPrompt,
        Temperature = Number(Temperature, "temperature", "Temperature must be between 0 and 2.", errors, float.Parse),
        MaxOutputTokens = Number(MaxOutputTokens, "max_output_tokens", "Max output tokens must be positive.", errors, int.Parse),
        ReasoningEffort = ReasoningEffort.Length == 0 && creating ? null : ReasoningEffort,
        RoundLimit = Number(RoundLimit, "round_limit", "The round limit must be between 1 and 500.", errors, int.Parse),
        AutoCompact = AutoCompact,
        McpServers = creating && McpServers.Count == 0 ? null : [.. McpServers.Order(StringComparer.Ordinal)],
        Prompts = Prompts is null || (creating && Prompts.Count == 0) ? null : Prompts,
        ShellEnvPassthrough = creating && ShellEnvPassthrough.Length == 0
            ? null
            : ShellEnvPassthrough.Split([',', ' ', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
    };

    private static T? Number<T>(string text, string field, string message, Core.Errors.FieldErrors errors, Func<string, IFormatProvider, T> parse)
        where T : struct
    {
        if (text.Length == 0)
        {
            return null;
        }

        try
        {
            return parse(text, CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is FormatException or OverflowException)
        {
            errors.Add(field, message);
            return null;
        }
    }
}
