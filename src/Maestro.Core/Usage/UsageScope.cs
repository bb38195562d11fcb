using Microsoft.Extensions.AI;

namespace Maestro.Core.Usage;

/// <summary>
/// What a provider call is counted for, beyond its auth: the session and message, and why it was made. The caller
/// puts it in <see cref="ChatOptions.AdditionalProperties"/> (<see cref="Apply"/>); the usage accounting layer reads it.
/// A call without one counts for its auth as <see cref="UsagePurposes.Chat"/>.
/// </summary>
public sealed record UsageScope(string Purpose, Guid? SessionId = null, Guid? MessageId = null)
{
    public const string Key = "maestro.usage_scope";

    public static UsageScope? Of(ChatOptions? options) =>
        options?.AdditionalProperties?.TryGetValue(Key, out var value) == true ? value as UsageScope : null;

    /// <summary>Returns <paramref name="options"/> with this scope set.</summary>
    public ChatOptions Apply(ChatOptions options)
    {
        (options.AdditionalProperties ??= [])[Key] = this;
        return options;
    }
}
