using System.Text.Json;
using Maestro.Core.Auths;
using Maestro.Core.Errors;
using Maestro.Core.Models;
using Maestro.Core.Tools;

namespace Maestro.Core.Settings;

/// <summary>
/// The defaults for new sessions, saved in the settings: checked like a session's own fields when saved (the auth
/// exists, the model is one it offers unless forced, the tools and the policy are known).
/// </summary>
public sealed class SessionDefaultsSettings(ISettingsStore store, AuthService auths, ModelValidation models, IBuiltInTools builtIns)
{
    public const string Key = "session_defaults";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public async Task<SessionDefaults> GetAsync(CancellationToken cancellationToken) =>
        await store.GetAsync(Key, cancellationToken) is { } json
            ? JsonSerializer.Deserialize<SessionDefaults>(json, Json) ?? SessionDefaults.None
            : SessionDefaults.None;

    public async Task<SessionDefaults> SetAsync(SessionDefaults defaults, bool forceModel, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var clean = new SessionDefaults(Blank(defaults.Auth), Blank(defaults.Model), defaults.Tools, Blank(defaults.Approve));
        if (clean.Model is not null && clean.Auth is null)
        {
            errors.Add("model", "A default model needs a default auth: model ids belong to a provider.");
        }

        if (clean.Auth is { } auth)
        {
            try
            {
                var target = AuthRef.Parse(auth);
                await auths.GetAsync(target, cancellationToken);
                if (clean.Model is { } model && !forceModel && await models.ProblemAsync(target, model, cancellationToken) is { } problem)
                {
                    errors.Add("model", problem);
                }
            }
            catch (Exception ex) when (ex is NotFoundException or ValidationFailedException)
            {
                errors.Add("auth", ex.Message);
            }
        }

        if (clean.Tools is { } tools)
        {
            var known = builtIns.Definitions.Select(d => d.Name).ToHashSet(StringComparer.Ordinal);
            var unknown = tools.Where(t => !known.Contains(t)).ToList();
            if (unknown.Count > 0)
            {
                errors.Add("tools", $"Unknown tool{(unknown.Count > 1 ? "s" : "")} {string.Join(", ", unknown)}. Built-in tools: {string.Join(", ", known.Order(StringComparer.Ordinal))}.");
            }
        }

        if (clean.Approve is { } approve && ToolPermissionNames.TryParse(approve) is null)
        {
            errors.Add("approve", $"'{approve}' is not a permission: use allow, ask or deny.");
        }

        errors.ThrowIfAny();
        await store.SetAsync(Key, JsonSerializer.Serialize(clean, Json), cancellationToken);
        return clean;
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
