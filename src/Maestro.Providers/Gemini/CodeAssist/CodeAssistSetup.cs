using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Json;
using Maestro.Core.Auths;
using Maestro.Core.Providers;
using Maestro.Core.Providers.Http;
using Microsoft.Extensions.Logging;

namespace Maestro.Providers.Gemini.CodeAssist;

/// <summary>
/// Finds (or creates) the Code Assist project of a login, as gemini-cli's <c>setupUser</c> does: <c>loadCodeAssist</c>;
/// an account that is not onboarded yet is onboarded to its default tier with <c>onboardUser</c>, whose long-running
/// operation is polled until done. The project is kept in the auth's <c>project_id</c> metadata, so this runs once per
/// login: at its first use, or from the login flow through <see cref="EnsureProjectAsync"/>.
/// </summary>
/// <remarks>
/// The client metadata sent says what Maestro is not sure of (IDE_UNSPECIFIED, PLATFORM_UNSPECIFIED) and names the
/// product line (pluginType GEMINI); Maestro never claims to be gemini-cli or an IDE plugin.
/// </remarks>
public sealed class CodeAssistSetup
{
    private readonly GeminiOptions _options;
    private readonly IAuthStore? _auths;
    private readonly GeminiErrorMapper _errors;
    // Keyed by auth id and version: a new login (which changes the auth) is set up afresh.
    private readonly ConcurrentDictionary<(Guid, DateTimeOffset), Lazy<Task<string>>> _inFlight = new();
    private readonly ConcurrentDictionary<(Guid, DateTimeOffset), string> _known = new();

    /// <param name="auths">Where the project id is saved; without it (adapter tests) it is kept in memory only.</param>
    public CodeAssistSetup(GeminiOptions options, IAuthStore? auths, GeminiErrorMapper errors)
    {
        _options = options;
        _auths = auths;
        _errors = errors;
    }

    /// <summary>
    /// The auth's Code Assist project: its <c>project_id</c> metadata when set, else onboarding's answer, saved to the
    /// auth. Concurrent first uses of one auth in this process share one onboarding; across processes the first one to
    /// save wins and the others adopt its project.
    /// </summary>
    public async Task<string> EnsureProjectAsync(ProviderConnection connection, CancellationToken cancellationToken)
    {
        if (connection.Auth.MetadataValue(AuthMetadata.ProjectId) is { Length: > 0 } saved)
        {
            return saved;
        }

        var key = (connection.Auth.Id, connection.Auth.UpdatedAt);
        if (_known.TryGetValue(key, out var known))
        {
            return known;
        }

        // Not cancelled with the first caller: others may be waiting for the same onboarding.
        var flight = _inFlight.GetOrAdd(key, k => new Lazy<Task<string>>(() =>
            _known.TryGetValue(k, out var found) ? Task.FromResult(found) : RunAsync(k, connection)));
        return await flight.Value.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Runs loadCodeAssist → onboardUser → polling, and saves nothing: for a login flow that wants the project before
    /// it stores the auth. <paramref name="connection"/> may point at the Gemini API; it is re-pointed at Code Assist.
    /// </summary>
    /// <exception cref="ProviderException">The account cannot use Code Assist, needs a project, or a call failed.</exception>
    public async Task<CodeAssistProject> OnboardAsync(ProviderConnection connection, CancellationToken cancellationToken)
    {
        var endpoint = CodeAssistMode.Endpoint(connection, _options, _errors);
        connection = endpoint.Connection;
        var logger = connection.Runtime.LoggerFactory.CreateLogger<CodeAssistSetup>();
        var configured = _options.UserProject;
        var load = await PostAsync(endpoint, "loadCodeAssist", LoadBody(configured), cancellationToken);
        var loaded = Parse(connection, load, CodeAssistLoadResult.Parse);

        if (loaded.CurrentTier is { } current)
        {
            var tier = loaded.PaidTier ?? current;
            var project = loaded.Project ?? configured ?? throw NoProject(connection, loaded);
            return new CodeAssistProject(project, tier.Id, tier.Name);
        }

        if (loaded.ValidationRequired() is { } validation)
        {
            throw Refused(connection,
                $"Google asks to verify the account before it can use Code Assist: {validation.ReasonMessage ?? validation.ReasonCode}",
                $"Open {validation.ValidationUrl} in a browser, complete the verification, then try again.");
        }

        var onboard = loaded.OnboardTier();
        // The free tier works in a project Google manages; naming one there is refused (Precondition Failed).
        var offered = onboard.Id == CodeAssistTier.Free ? null : configured;
        if (offered is null && onboard.UserDefinedProject)
        {
            throw new ProviderException(
                ProviderErrorKind.InvalidRequest,
                $"Code Assist onboards {connection.AuthLabel} to {onboard.Name ?? onboard.Id}, which needs a Google Cloud project of yours, and none is configured.",
                hint: "Set GEMINI_USER_PROJECT to the project that has Gemini Code Assist enabled, then try again.");
        }

        logger.LogInformation("Code Assist: onboarding {Auth} to {Tier}.", connection.AuthLabel, onboard.Id);
        var operation = Parse(connection, await PostAsync(endpoint, "onboardUser", OnboardBody(onboard.Id, offered), cancellationToken), CodeAssistOperation.Parse);
        for (var poll = 0; !operation.Done; poll++)
        {
            if (operation.Name is null)
            {
                throw Failed(connection, "onboardUser answered with an unfinished operation that has no name to poll");
            }

            if (poll >= _options.CodeAssistMaxPolls)
            {
                throw Failed(connection, $"onboarding ({operation.Name}) did not finish after {poll} polls");
            }

            await Task.Delay(PollDelay(poll), connection.Runtime.Time, cancellationToken);
            var url = CodeAssistMode.Operation(connection.BaseUrl, operation.Name);
            operation = Parse(connection, await CodeAssistRequests.SendAsync(endpoint, HttpMethod.Get, url, null, null, cancellationToken), CodeAssistOperation.Parse);
        }

        if (operation.ErrorMessage is { } error)
        {
            throw Failed(connection, $"onboarding to {onboard.Id} failed: {error}");
        }

        var onboarded = operation.ProjectId ?? offered ?? throw NoProject(connection, loaded);
        return new CodeAssistProject(onboarded, onboard.Id, onboard.Name);
    }

    private async Task<string> RunAsync((Guid, DateTimeOffset) key, ProviderConnection connection)
    {
        try
        {
            var project = await OnboardAndSaveAsync(connection, CancellationToken.None);
            _known[key] = project;
            return project;
        }
        finally
        {
            // A failure is not remembered: the next use tries again.
            _inFlight.TryRemove(key, out _);
        }
    }

    private async Task<string> OnboardAndSaveAsync(ProviderConnection connection, CancellationToken cancellationToken)
    {
        var project = (await OnboardAsync(connection, cancellationToken)).ProjectId;
        if (_auths is null)
        {
            return project;
        }

        // Merged under the auth's lock from a fresh read, so a concurrent change to other metadata (or a project saved
        // by another process meanwhile, which is then kept) is not overwritten.
        return await _auths.WithExclusiveLockAsync<string>(
            connection.Auth.Id,
            (stored, _) =>
            {
                if (stored.Record.MetadataValue(AuthMetadata.ProjectId) is { Length: > 0 } saved)
                {
                    return Task.FromResult<(AuthUpdate?, string)>((null, saved));
                }

                var metadata = new Dictionary<string, string>(stored.Record.Metadata, StringComparer.Ordinal)
                {
                    [AuthMetadata.ProjectId] = project,
                };
                return Task.FromResult<(AuthUpdate?, string)>((new AuthUpdate { Metadata = metadata }, project));
            },
            cancellationToken);
    }

    /// <summary>1 s, 2 s, 4 s, … up to the configured interval: onboarding often finishes within a second or two.</summary>
    private TimeSpan PollDelay(int poll)
    {
        var backoff = TimeSpan.FromSeconds(1 << Math.Min(poll, 10));
        return backoff < _options.CodeAssistPollInterval ? backoff : _options.CodeAssistPollInterval;
    }

    private static Task<byte[]> PostAsync(ProviderEndpoint endpoint, string method, byte[] body, CancellationToken cancellationToken) =>
        CodeAssistRequests.SendAsync(endpoint, HttpMethod.Post, CodeAssistMode.Method(endpoint.Connection.BaseUrl, method), body, null, cancellationToken);

    private static T Parse<T>(ProviderConnection connection, byte[] body, Func<byte[], T> parse)
    {
        try
        {
            return parse(body);
        }
        catch (JsonException ex)
        {
            throw Failed(connection, $"an answer was not valid JSON ({ex.Message})");
        }
    }

    private static byte[] LoadBody(string? project) => Json(w =>
    {
        if (project is not null)
        {
            w.WriteString("cloudaicompanionProject", project);
        }

        WriteMetadata(w, project);
    });

    private static byte[] OnboardBody(string tier, string? project) => Json(w =>
    {
        w.WriteString("tierId", tier);
        if (project is not null)
        {
            w.WriteString("cloudaicompanionProject", project);
        }

        WriteMetadata(w, project);
    });

    private static void WriteMetadata(Utf8JsonWriter w, string? project)
    {
        w.WriteStartObject("metadata");
        w.WriteString("ideType", "IDE_UNSPECIFIED");
        w.WriteString("platform", "PLATFORM_UNSPECIFIED");
        w.WriteString("pluginType", "GEMINI");
        if (project is not null)
        {
            w.WriteString("duetProject", project);
        }

        w.WriteEndObject();
    }

    private static byte[] Json(Action<Utf8JsonWriter> fields)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            fields(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>No project came back and none is configured: Google lists why (ineligible tiers), or a project is needed.</summary>
    private static ProviderException NoProject(ProviderConnection connection, CodeAssistLoadResult loaded)
    {
        var reasons = new List<string>();
        foreach (var reason in loaded.Ineligible)
        {
            if ((reason.ReasonMessage ?? reason.ReasonCode) is { } text)
            {
                reasons.Add(text);
            }
        }

        return reasons.Count > 0
            ? Refused(connection, "the account cannot use Code Assist: " + string.Join("; ", reasons),
                "Use a Google account that Gemini Code Assist accepts, or the Gemini API (an API key, or OAuth in api mode).")
            : new ProviderException(
                ProviderErrorKind.InvalidRequest,
                $"Code Assist needs a Google Cloud project for {connection.AuthLabel}, and none was returned or configured.",
                hint: "Set GEMINI_USER_PROJECT to the project that has Gemini Code Assist enabled, then try again.");
    }

    private static ProviderException Refused(ProviderConnection connection, string message, string hint) =>
        new(ProviderErrorKind.Authentication, $"Code Assist refused {connection.AuthLabel}: {message}", hint: hint);

    private static ProviderException Failed(ProviderConnection connection, string message) => ProviderErrors.Create(
        ProviderErrorKind.Server,
        connection.Context(null),
        null,
        "Code Assist setup: " + message);
}
