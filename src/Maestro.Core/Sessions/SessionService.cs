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
    Models.ModelValidation models,
    Models.DefaultModels defaults,
    TimeProvider time,
    Settings.SessionDefaultsSettings? sessionDefaults = null)
{
    /// <summary>Prompts or MCP servers one session may name (each is looked up: a longer list is an abuse, not a setup).</summary>
    public const int MaxListed = 50;

    public Task<IReadOnlyList<Session>> ListAsync(CancellationToken cancellationToken) => sessions.ListAsync(cancellationToken);

    /// <summary>One page of sessions (1-based; a page past the end gives the last one).</summary>
    public Task<SessionPage> PageAsync(int number, int size, CancellationToken cancellationToken) =>
        PageAsync(number, size, SessionFilter.None, cancellationToken);

    /// <summary>One page of the sessions that pass <paramref name="filter"/>.</summary>
    public async Task<SessionPage> PageAsync(int number, int size, SessionFilter filter, CancellationToken cancellationToken)
    {
        number = Math.Max(1, number);
        var (list, total) = await sessions.ListPageAsync((number - 1) * size, size, filter, cancellationToken);
        var last = Math.Max(1, (total + size - 1) / size);
        if (list.Count == 0 && number > last)
        {
            number = last;
            (list, total) = await sessions.ListPageAsync((number - 1) * size, size, filter, cancellationToken);
        }

        return new SessionPage(list, total, number, size) { Filter = filter };
    }

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
        var defaulted = false;
        if (sessionDefaults is not null)
        {
            // What the creator leaves out comes from the defaults in the settings (checked when they were saved).
            var saved = await sessionDefaults.GetAsync(cancellationToken);
            var sameAuth = string.IsNullOrWhiteSpace(spec.Auth) || spec.Auth.Trim() == saved.Auth;
            defaulted = string.IsNullOrWhiteSpace(spec.Model) && sameAuth && saved.Model is not null;
            spec = spec with
            {
                Auth = string.IsNullOrWhiteSpace(spec.Auth) ? saved.Auth : spec.Auth,
                Model = defaulted ? saved.Model : spec.Model,
                Tools = spec.Tools ?? saved.Tools,
                Approve = spec.Approve ?? saved.Approve,
            };
        }

        if (string.IsNullOrWhiteSpace(spec.Model) && !string.IsNullOrWhiteSpace(spec.Auth) && spec.Auth.Contains('/', StringComparison.Ordinal))
        {
            // Without a model, the same default a one-off chat would use for this auth.
            try
            {
                spec = spec with { Model = await defaults.ResolveAsync(AuthRef.Parse(spec.Auth), null, cancellationToken) };
                defaulted = spec.Model is not null;
            }
            catch (ValidationFailedException ex) when (ex.Errors.ContainsKey("model"))
            {
                errors.Add("model", ex.Errors["model"][0]);
            }
            catch (MaestroException)
            {
                // A missing or malformed auth is reported below, with the other fields.
            }
        }

        if (spec.Name is null || !SessionNames.IsValid(spec.Name))
        {
            errors.Add("name", spec.Name is null ? $"Name is required: {SessionNames.Rule}." : $"'{spec.Name}' is not a valid session name: use {SessionNames.Rule}.");
        }

        if (string.IsNullOrWhiteSpace(spec.Auth))
        {
            errors.Add("auth", "Auth is required, as provider/name (see `maestro auth list`).");
        }

        if (string.IsNullOrWhiteSpace(spec.Model) && !errors.Has("model"))
        {
            errors.Add("model", "Model is required (see `maestro models <auth>`).");
        }

        // Every field is checked before reporting, so the user fixes them all at once.
        var now = time.GetUtcNow();
        var blank = new Session(Guid.CreateVersion7(), spec.Name ?? "", null, null, spec.Model?.Trim() ?? "", null, null, ToolPolicy.Empty, [], [], null,
            new SessionSettings(), null, now, now);
        var session = await ApplyAsync(blank, spec with { Name = null, Model = null }, cancellationToken, errors, checkModel: spec.Model is not null && !defaulted);
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

    private async Task<Session> ApplyAsync(Session session, SessionSpec spec, CancellationToken cancellationToken, FieldErrors? errors = null, bool checkModel = false)
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

        var modelOk = true;
        if (spec.Model is not null)
        {
            if (string.IsNullOrWhiteSpace(spec.Model))
            {
                errors.Add("model", "Model cannot be empty.");
                modelOk = false;
            }
            else
            {
                result = result with { Model = spec.Model.Trim() };
            }
        }

        // Only a new model or auth is checked: an edit of other fields never fails on a model that was forced earlier.
        if ((checkModel || result.Model != session.Model || result.AuthId != session.AuthId) && modelOk && !spec.ForceModel &&
            result.Auth is { } target && result.Model.Length > 0 &&
            await models.ProblemAsync(target, result.Model, cancellationToken) is { } problem)
        {
            errors.Add("model", problem);
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

        if (spec.Prompts is { Count: > MaxListed })
        {
            errors.Add("prompts", $"A session stacks at most {MaxListed} prompts.");
        }
        else if (spec.Prompts is not null)
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

        if (spec.McpServers is { Count: > MaxListed })
        {
            errors.Add("mcp_servers", $"A session uses at most {MaxListed} MCP servers.");
        }
        else if (spec.McpServers is not null)
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
            if (temperature is not (>= 0 and <= 2)) // NaN fails both comparisons
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

        if (spec.ShellEnvPassthrough is { } passthrough)
        {
            if (passthrough.Count > MaxListed || passthrough.Any(e => e is null || !ToolEnvironment.IsValidEntry(e)))
            {
                errors.Add("shell_env_passthrough", $"List at most {MaxListed} {ToolEnvironment.EntryRule}.");
            }

            settings = settings with { ShellEnvPassthrough = [.. passthrough.Distinct(StringComparer.Ordinal)] };
        }

        result = result with { Settings = settings };
        errors.ThrowIfAny();
        return result;
    }
}
