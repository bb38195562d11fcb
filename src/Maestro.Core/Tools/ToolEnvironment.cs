using System.Text.RegularExpressions;

namespace Maestro.Core.Tools;

/// <summary>
/// The environment a tool's process inherits: Maestro's own, minus anything that looks like a secret, because a
/// command (or a script it downloads, or a model reading <c>env</c> output) has no business with Maestro's database
/// URL, encryption keys, provider keys or OAuth client secrets. Dropped by default: every <c>MAESTRO_*</c> variable
/// (Maestro's own settings, its keys among them), <c>SECRET_KEY_BASE</c>, <c>DATABASE_URL</c>, and every variable whose
/// name contains KEY, TOKEN, SECRET, PASSWORD, PASSWD or CREDENTIAL (any case) — <c>OPENAI_API_KEY</c>,
/// <c>GEMINI_OAUTH_CLIENT_SECRET</c>, <c>GITHUB_TOKEN</c>, <c>PGPASSWORD</c>, <c>AWS_SECRET_ACCESS_KEY</c>. A session
/// lists the variables it wants passed anyway (<see cref="Sessions.SessionSettings.ShellEnvPassthrough"/>), as
/// Codex's <c>shell_environment_policy</c> does: exact names or prefixes ending in <c>*</c>.
/// </summary>
public static partial class ToolEnvironment
{
    private static readonly string[] SecretWords = ["KEY", "TOKEN", "SECRET", "PASSWORD", "PASSWD", "CREDENTIAL"];

    public static bool LooksSecret(string name) =>
        name.StartsWith("MAESTRO_", StringComparison.OrdinalIgnoreCase) ||
        name.Equals("SECRET_KEY_BASE", StringComparison.OrdinalIgnoreCase) ||
        name.Equals("DATABASE_URL", StringComparison.OrdinalIgnoreCase) ||
        SecretWords.Any(word => name.Contains(word, StringComparison.OrdinalIgnoreCase));

    /// <summary>Removes the secret-looking variables that no passthrough entry names.</summary>
    public static void Scrub(IDictionary<string, string?> environment, IReadOnlyList<string> passthrough)
    {
        foreach (var name in environment.Keys.ToList())
        {
            if (LooksSecret(name) && !Passes(name, passthrough))
            {
                environment.Remove(name);
            }
        }
    }

    /// <summary>Whether a passthrough list names the variable: exactly, or by a prefix ending in <c>*</c>.</summary>
    public static bool Passes(string name, IReadOnlyList<string> passthrough)
    {
        foreach (var entry in passthrough)
        {
            if (entry.EndsWith('*') ? name.StartsWith(entry[..^1], StringComparison.Ordinal) : name == entry)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A passthrough entry: a variable name, or a prefix of one followed by <c>*</c>.</summary>
    public static bool IsValidEntry(string entry) => Entry().IsMatch(entry);

    public const string EntryRule = "variable names (letters, digits and '_', not starting with a digit), or a prefix ending in '*' such as NPM_*";

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*\*?$")]
    private static partial Regex Entry();
}
