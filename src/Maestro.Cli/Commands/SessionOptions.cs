using System.CommandLine;
using Maestro.Core.Errors;
using Maestro.Core.Sessions;
using Maestro.Core.Tools.BuiltIn;

namespace Maestro.Cli.Commands;

/// <summary>The options `session create` and `session edit` share, mapped to a <see cref="SessionSpec"/>.</summary>
public sealed class SessionOptions
{
    public Option<string> Auth { get; } = new("--auth") { Description = "The auth to use, as provider/name (see `maestro auth list`).", HelpName = "PROVIDER/NAME" };

    public Option<string> Model { get; } = new("--model", "-m") { Description = "Model id (see `maestro models <auth>`); on create, default: the provider's default model for the auth.", HelpName = "MODEL" };

    public Option<bool> ForceModel { get; } = new("--force-model")
    {
        Description = "Keep the model even if the auth's model list does not offer it (a proxy or local server that serves unlisted models). Without it, an unknown model is refused with the closest matches.",
    };

    public Option<string> Workdir { get; } = new("--workdir", "-w") { Description = "Working directory for the agent's tools; they never leave it. Without one, the session is a plain chat.", HelpName = "DIR" };

    public Option<string> Tools { get; } = new("--tools")
    {
        Description = $"Comma-separated built-in tools to enable (default: all). Built-in: {string.Join(", ", BuiltInTools.Names)}. Use \"none\" for none.",
        HelpName = "LIST",
    };

    public Option<string> Approve { get; } = new("--approve")
    {
        Description = "Default permission for every tool: allow, ask or deny. Default: read-only tools run, others ask.",
        HelpName = "POLICY",
    };

    public Option<string[]> Allow { get; } = new("--allow") { Description = "Always allow this tool (repeatable).", HelpName = "TOOL", AllowMultipleArgumentsPerToken = false };

    public Option<string[]> Ask { get; } = new("--ask") { Description = "Always ask before this tool runs (repeatable).", HelpName = "TOOL" };

    public Option<string[]> Deny { get; } = new("--deny") { Description = "Never run this tool (repeatable).", HelpName = "TOOL" };

    public Option<string> System { get; } = new("--system", "-s") { Description = "The session's own system prompt.", HelpName = "TEXT" };

    public Option<string[]> Prompts { get; } = new("--prompt") { Description = "A saved prompt or persona to stack, optionally pinned: name or name@version (repeatable, in order).", HelpName = "NAME[@V]" };

    public Option<string[]> Mcp { get; } = new("--mcp") { Description = "Attach an MCP server by name (repeatable; see `maestro mcp list`).", HelpName = "NAME" };

    public Option<float?> Temperature { get; } = new("--temperature") { Description = "Sampling temperature (0-2).", HelpName = "T" };

    public Option<int?> MaxTokens { get; } = new("--max-tokens") { Description = "Max output tokens per answer (default: the model's sensible default).", HelpName = "N" };

    public Option<string> Reasoning { get; } = new("--reasoning") { Description = "Reasoning effort: none, low, medium, high, xhigh.", HelpName = "EFFORT" };

    public Option<int?> RoundLimit { get; } = new("--round-limit") { Description = "Model calls per turn before a tool loop is stopped (default 25).", HelpName = "N" };

    public Option<bool> NoAutoCompact { get; } = new("--no-auto-compact") { Description = "Do not summarize older turns automatically when the context nears the window." };

    public Option<string[]> ShellEnv { get; } = new("--shell-env")
    {
        Description = "Pass this environment variable to the shell tool although its name looks like a secret (KEY, TOKEN, SECRET, " +
            "PASSWORD, CREDENTIAL, MAESTRO_*, DATABASE_URL are otherwise dropped). A name or PREFIX*; repeatable; replaces the list. " +
            "\"none\" clears it.",
        HelpName = "NAME",
    };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Auth, Model, ForceModel, Workdir, Tools, Approve, Allow, Ask, Deny, System, Prompts, Mcp, Temperature, MaxTokens, Reasoning, RoundLimit, NoAutoCompact, ShellEnv })
        {
            command.Options.Add(option);
        }
    }

    public SessionSpec ToSpec(ParseResult parse, Session? existing)
    {
        var tools = parse.GetValue(Tools) switch
        {
            null => null,
            "none" => (IReadOnlyList<string>)[],
            var list => list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        };

        Dictionary<string, string>? policies = null;
        void Set(string[]? tools, string permission)
        {
            foreach (var tool in tools ?? [])
            {
                policies ??= existing?.Policy.PerTool.ToDictionary(p => p.Key, p => p.Value.ToString().ToLowerInvariant(), StringComparer.Ordinal)
                    ?? new Dictionary<string, string>(StringComparer.Ordinal);
                policies[tool] = permission;
            }
        }

        Set(parse.GetValue(Allow), "allow");
        Set(parse.GetValue(Ask), "ask");
        Set(parse.GetValue(Deny), "deny");

        var workdir = parse.GetValue(Workdir);
        if (workdir is not null && workdir.Length > 0 && !Path.IsPathRooted(workdir))
        {
            workdir = Path.GetFullPath(workdir);
        }

        if (parse.GetValue(Approve) is { } approve && approve is not ("allow" or "ask" or "deny"))
        {
            throw new ValidationFailedException("approve", $"'{approve}' is not a permission: use allow, ask or deny.");
        }

        return new SessionSpec
        {
            Auth = parse.GetValue(Auth),
            Model = parse.GetValue(Model),
            ForceModel = parse.GetValue(ForceModel),
            WorkingDirectory = workdir,
            Tools = tools,
            Approve = parse.GetValue(Approve),
            ToolPolicies = policies,
            SystemPrompt = parse.GetValue(System),
            Prompts = parse.GetValue(Prompts) is { Length: > 0 } prompts ? prompts : null,
            McpServers = parse.GetValue(Mcp) is { Length: > 0 } mcp ? mcp : null,
            Temperature = parse.GetValue(Temperature),
            MaxOutputTokens = parse.GetValue(MaxTokens),
            ReasoningEffort = parse.GetValue(Reasoning),
            RoundLimit = parse.GetValue(RoundLimit),
            AutoCompact = parse.GetValue(NoAutoCompact) ? false : null,
            ShellEnvPassthrough = parse.GetValue(ShellEnv) switch
            {
                null or [] => null,
                ["none"] => [],
                var names => [.. names.SelectMany(n => n.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))],
            },
        };
    }
}
