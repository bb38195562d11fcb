using Maestro.Core.Auths;
using Maestro.Core.Context;
using Maestro.Core.Conversations;
using Maestro.Core.Errors;
using Maestro.Core.Events;
using Maestro.Core.Prompts;
using Maestro.Core.Tools;
using Maestro.Core.Turns;

namespace Maestro.Core.Sessions;

/// <summary>Creates, edits, lists and deletes sessions, with the same validation for every surface.</summary>
public sealed class SessionService(
    ISessionStore sessions,
    AuthService auths,
    IPromptStore prompts,
    IBuiltInTools builtIns,
    IEnumerable<IMcpServerLookup> mcpServers,
    ITurnStore turns,
    SessionEventHub events,
    TimeProvider time)
{
    public Task<IReadOnlyList<Session>> ListAsync(CancellationToken cancellationToken) => sessions.ListAsync(cancellationToken);

    /// <summary>By name, or by id.</summary>
    public async Task<Session> GetAsync(string nameOrId, CancellationToken cancellationToken)
    {
        var session = await sessions.FindAsync(nameOrId, cancellationToken)
            ?? (Guid.TryParse(nameOrId, out var id) ? await sessions.GetAsync(id, cancellationToken) : null);
        return session ?? throw new NotFoundException($"No session named '{nameOrId}'.", "See `maestro session list` for your sessions.");
    }

    public async Task<Session> GetAsync(Guid id, CancellationToken cancellationToken) =>
        await sessions.GetAsync(id, cancellationToken) ?? throw new NotFoundException("That session no longer exists.");

    public async Task<Session> CreateAsync(SessionSpec spec, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (spec.Name is null || !SessionNames.IsValid(spec.Name))
        {
            errors.Add("name", spec.Name is null ? $"Name is required: {SessionNames.Rule}." : $"'{spec.Name}' is not a valid session name: use {SessionNames.Rule}.");
        }

        if (string.IsNullOrWhiteSpace(spec.Auth))
        {
            errors.Add("auth", "Auth is required, as provider/name (see `maestro auth list`).");
        }

        if (string.IsNullOrWhiteSpace(spec.Model))
        {
            errors.Add("model", "Model is required (see `maestro models <auth>`).");
        }

        // Every field is checked before reporting, so the user fixes them all at once.
        var now = time.GetUtcNow();
        var blank = new Session(Guid.CreateVersion7(), spec.Name ?? "", null, null, spec.Model?.Trim() ?? "", null, null, ToolPolicy.Empty, [], [], null,
            new SessionSettings(), null, now, now);
        var session = await ApplyAsync(blank, spec with { Name = null, Model = null }, cancellationToken, errors);
        return await sessions.CreateAsync(session, cancellationToken);
    }

    public async Task<Session> UpdateAsync(Guid id, SessionSpec spec, CancellationToken cancellationToken)
    {
        var existing = await GetAsync(id, cancellationToken);
        var updated = await ApplyAsync(existing, spec, cancellationToken);
        var saved = await sessions.UpdateAsync(updated, cancellationToken);
        events.Publish(new SessionEvent { SessionId = id, Type = SessionEventTypes.SessionChanged, Notice = "Session settings changed." });
        return saved;
    }

    public async Task DeleteAsync(Guid id, CancellationToken cancellationToken)
    {
        if (await turns.GetRunningAsync(id, cancellationToken) is not null)
        {
            throw new ConflictException("A turn is running in this session; stop it before deleting the session.", "session");
        }

        if (!await sessions.DeleteAsync(id, cancellationToken))
        {
            throw new NotFoundException("That session no longer exists.");
        }
    }

    private async Task<Session> ApplyAsync(Session session, SessionSpec spec, CancellationToken cancellationToken, FieldErrors? errors = null)
    {
        errors ??= new FieldErrors();
        var result = session;

        if (spec.Name is not null)
        {
            if (!SessionNames.IsValid(spec.Name))
            {
                errors.Add("name", $"'{spec.Name}' is not a valid session name: use {SessionNames.Rule}.");
            }
            else
            {
                result = result with { Name = spec.Name };
            }
        }

        if (spec.Auth is not null)
        {
            try
            {
                var auth = await auths.GetAsync(AuthRef.Parse(spec.Auth), cancellationToken);
                result = result with { AuthId = auth.Id, Auth = auth.Ref };
            }
            catch (Exception ex) when (ex is NotFoundException or ValidationFailedException)
            {
                errors.Add("auth", ex.Message);
            }
        }

        if (spec.Model is not null)
        {
            if (string.IsNullOrWhiteSpace(spec.Model))
            {
                errors.Add("model", "Model cannot be empty.");
            }
            else
            {
                result = result with { Model = spec.Model.Trim() };
            }
        }

        if (spec.WorkingDirectory is not null)
        {
            if (spec.WorkingDirectory.Length == 0)
            {
                result = result with { WorkingDirectory = null };
            }
            else
            {
                var full = Path.GetFullPath(spec.WorkingDirectory);
                if (!Directory.Exists(full))
                {
                    errors.Add("working_directory", $"The directory '{full}' does not exist.");
                }
                else
                {
                    result = result with { WorkingDirectory = Path.TrimEndingDirectorySeparator(full) };
                }
            }
        }

        var known = builtIns.Definitions.Select(d => d.Name).ToHashSet(StringComparer.Ordinal);
        if (spec.Tools is not null)
        {
            var unknown = spec.Tools.Where(t => !known.Contains(t)).ToList();
            if (unknown.Count > 0)
            {
                errors.Add("tools", $"Unknown tool{(unknown.Count > 1 ? "s" : "")} {string.Join(", ", unknown)}. Built-in tools: {string.Join(", ", known.Order(StringComparer.Ordinal))}.");
            }
            else
            {
                result = result with { EnabledTools = [.. spec.Tools.Distinct(StringComparer.Ordinal)] };
            }
        }

        var policy = result.Policy;
        if (spec.Approve is not null)
        {
            if (ToolPermissionNames.TryParse(spec.Approve) is { } permission)
            {
                policy = policy with { Default = permission };
            }
            else
            {
                errors.Add("approve", $"'{spec.Approve}' is not a permission: use allow, ask or deny.");
            }
        }

        if (spec.ToolPolicies is not null)
        {
            var perTool = new Dictionary<string, ToolPermission>(StringComparer.Ordinal);
            foreach (var (tool, value) in spec.ToolPolicies)
            {
                if (ToolPermissionNames.TryParse(value) is { } permission)
                {
                    perTool[tool] = permission;
                }
                else
                {
                    errors.Add("tool_policies", $"'{value}' for {tool} is not a permission: use allow, ask or deny.");
                }
            }

            policy = policy with { PerTool = perTool };
        }

        result = result with { Policy = policy };

        if (spec.SystemPrompt is not null)
        {
            result = result with { SystemPrompt = spec.SystemPrompt.Length == 0 ? null : spec.SystemPrompt };
        }

        if (spec.Prompts is not null)
        {
            var stack = new List<PromptRef>();
            foreach (var entry in spec.Prompts)
            {
                var at = entry.LastIndexOf('@');
                var name = at > 0 ? entry[..at] : entry;
                int? version = null;
                if (at > 0)
                {
                    if (int.TryParse(entry[(at + 1)..], out var v) && v > 0)
                    {
                        version = v;
                    }
                    else
                    {
                        errors.Add("prompts", $"'{entry}': the version after @ must be a positive number.");
                        continue;
                    }
                }

                var prompt = await prompts.FindAsync(name, cancellationToken);
                if (prompt is null)
                {
                    errors.Add("prompts", $"No prompt named '{name}' (see `maestro prompt list`).");
                }
                else if (version > prompt.LatestVersion)
                {
                    errors.Add("prompts", $"Prompt '{name}' has no version {version} (latest is {prompt.LatestVersion}).");
                }
                else
                {
                    stack.Add(new PromptRef(prompt.Id, version));
                }
            }

            result = result with { PromptStack = stack };
        }

        if (spec.McpServers is not null)
        {
            var ids = new List<Guid>();
            foreach (var name in spec.McpServers)
            {
                Guid? id = null;
                foreach (var lookup in mcpServers)
                {
                    id ??= await lookup.FindIdAsync(name, cancellationToken);
                }

                if (id is null)
                {
                    errors.Add("mcp_servers", $"No MCP server named '{name}' (see `maestro mcp list`).");
                }
                else
                {
                    ids.Add(id.Value);
                }
            }

            result = result with { McpServerIds = ids };
        }

        var settings = result.Settings;
        if (spec.Temperature is { } temperature)
        {
            if (temperature is < 0 or > 2)
            {
                errors.Add("temperature", "Temperature must be between 0 and 2.");
            }

            settings = settings with { Temperature = temperature };
        }

        if (spec.MaxOutputTokens is { } maxTokens)
        {
            if (maxTokens < 1)
            {
                errors.Add("max_output_tokens", "Max output tokens must be positive.");
            }

            settings = settings with { MaxOutputTokens = maxTokens };
        }

        if (spec.ReasoningEffort is not null)
        {
            if (!ReasoningEffortParser.IsValid(spec.ReasoningEffort))
            {
                errors.Add("reasoning_effort", $"'{spec.ReasoningEffort}' is not a reasoning effort: use {ReasoningEffortParser.Allowed}.");
            }

            settings = settings with { ReasoningEffort = spec.ReasoningEffort.Length == 0 ? null : spec.ReasoningEffort.ToLowerInvariant() };
        }

        if (spec.RoundLimit is { } rounds)
        {
            if (rounds is < 1 or > 500)
            {
                errors.Add("round_limit", "The round limit must be between 1 and 500.");
            }

            settings = settings with { RoundLimit = rounds };
        }

        if (spec.AutoCompact is { } autoCompact)
        {
            settings = settings with { AutoCompact = autoCompact };
        }

        result = result with { Settings = settings };
        errors.ThrowIfAny();
        return result;
    }
}
