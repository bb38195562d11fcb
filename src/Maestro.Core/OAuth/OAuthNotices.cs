using System.Text.Json;
using System.Text.Json.Serialization;

namespace Maestro.Core.OAuth;

/// <summary>
/// The <see cref="Events.SessionEvent.Notice"/> of an <c>oauth_flow</c> event: a login changed state. Published with
/// <c>SessionId = Guid.Empty</c>; the notice is this record as JSON (snake_case), so a UI can follow one login.
/// </summary>
/// <param name="Status">pending, exchanging, completed, failed, expired or cancelled.</param>
/// <param name="Auth">"openai/work".</param>
public sealed record OAuthFlowNotice(Guid FlowId, string Auth, string Method, string Status, string Message)
{
    public string ToJson() => JsonSerializer.Serialize(this, OAuthJsonContext.Default.OAuthFlowNotice);

    public static OAuthFlowNotice? Parse(string? notice) => Read(notice, OAuthJsonContext.Default.OAuthFlowNotice);

    internal static T? Read<T>(string? notice, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) where T : class
    {
        if (string.IsNullOrEmpty(notice))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(notice, type);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>
/// The notice of an <c>auth_changed</c> event: an auth was created or renewed by a login, refreshed, is refreshing,
/// or needs a new login. Published with <c>SessionId = Guid.Empty</c>.
/// </summary>
/// <param name="Status">active, refreshing or needs_relogin (the auth's status).</param>
/// <param name="Change">login, refreshed, refreshing, refresh_failed, needs_relogin or imported.</param>
public sealed record AuthChangedNotice(string Auth, string Status, string Change, string Message, DateTimeOffset? ExpiresAt)
{
    public string ToJson() => JsonSerializer.Serialize(this, OAuthJsonContext.Default.AuthChangedNotice);

    public static AuthChangedNotice? Parse(string? notice) => OAuthFlowNotice.Read(notice, OAuthJsonContext.Default.AuthChangedNotice);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(OAuthFlowNotice))]
[JsonSerializable(typeof(AuthChangedNotice))]
internal sealed partial class OAuthJsonContext : JsonSerializerContext;
