using System.Collections.Concurrent;
using Maestro.Wire;

namespace Maestro.Emulator.CodeAssist;

/// <summary>
/// Who has been onboarded, per access token, and the onboarding operations in flight. Tokens choose the account's
/// situation: <c>standard…</c> is a licensed user whose default tier (standard-tier) needs a project of their own;
/// <c>verify…</c> must verify the account first (an ineligible tier with a validation URL); anything else gets the free
/// tier in a Google-managed project. An operation is done on its second poll.
/// </summary>
internal sealed class CodeAssistAccounts
{
    public const int PollsUntilDone = 2;

    private readonly ConcurrentDictionary<string, string> _projects = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, PendingOperation> _operations = new(StringComparer.Ordinal);

    public static bool IsStandard(string token) => token.StartsWith("standard", StringComparison.OrdinalIgnoreCase);

    public static bool MustVerify(string token) => token.StartsWith("verify", StringComparison.OrdinalIgnoreCase);

    public string? ProjectOf(string token) => _projects.TryGetValue(token, out var project) ? project : null;

    /// <summary>Starts onboarding; the project is the user's (standard tier) or a new managed one (free tier).</summary>
    public string StartOnboarding(string token, string? userProject)
    {
        var name = WireIds.HexId("operations/onboard-", 16);
        var project = userProject ?? "emulated-" + WireIds.Base62Id("", 10).ToLowerInvariant();
        _operations[name] = new PendingOperation(token, project);
        return name;
    }

    /// <summary>One poll: null for an unknown operation, else whether it is done and (once done) its project.</summary>
    public (bool Done, string Project)? Poll(string name)
    {
        if (!_operations.TryGetValue(name, out var operation))
        {
            return null;
        }

        var polls = Interlocked.Increment(ref operation.Polls);
        if (polls < PollsUntilDone)
        {
            return (false, operation.Project);
        }

        _projects[operation.Token] = operation.Project;
        return (true, operation.Project);
    }

    private sealed class PendingOperation(string token, string project)
    {
        public int Polls;

        public string Token { get; } = token;

        public string Project { get; } = project;
    }
}
