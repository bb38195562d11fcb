using Maestro.Core.Errors;

namespace Maestro.Cli.Commands;

/// <summary>
/// Collects env variables and headers for `maestro mcp add/edit`. Values can be given inline (-e KEY=VALUE,
/// -H "Name: value"), or, for tokens that should never appear in the process list or shell history, from an
/// environment variable (--env-var KEY=VAR, --header-env NAME=VAR) or from standard input (--env-stdin KEY,
/// --header-stdin NAME).
/// </summary>
public static class McpSecretInput
{
    public static Dictionary<string, string?>? Env(CliContext context, string[]? inline, string[]? fromVars, string? fromStdin, string[]? unset)
    {
        var env = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var item in inline ?? [])
        {
            var (key, value) = Split(item, '=', "env", "-e expects KEY=VALUE", trimValue: false);
            env[key] = value;
        }

        foreach (var item in fromVars ?? [])
        {
            var (key, variable) = Split(item, '=', "env", "--env-var expects KEY=VAR (the value is read from the environment variable VAR)");
            env[key] = FromEnvironment(context, variable, "env");
        }

        if (fromStdin is not null)
        {
            env[fromStdin] = ReadStdin(context, "env");
        }

        foreach (var key in unset ?? [])
        {
            env[key] = null;
        }

        return env.Count == 0 ? null : env;
    }

    public static Dictionary<string, string?>? Headers(CliContext context, string[]? inline, string[]? fromVars, string? fromStdin, string[]? unset)
    {
        var headers = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var item in inline ?? [])
        {
            var (name, value) = Split(item, ':', "headers", "-H expects \"Name: value\"");
            headers[name] = value;
        }

        foreach (var item in fromVars ?? [])
        {
            var (name, variable) = Split(item, '=', "headers", "--header-env expects NAME=VAR (the value is read from the environment variable VAR)");
            headers[name] = FromEnvironment(context, variable, "headers");
        }

        if (fromStdin is not null)
        {
            headers[fromStdin] = ReadStdin(context, "headers");
        }

        foreach (var name in unset ?? [])
        {
            headers[name] = null;
        }

        return headers.Count == 0 ? null : headers;
    }

    /// <summary>Standard input can be read once: only one of --env-stdin and --header-stdin.</summary>
    public static void CheckOneStdin(string? envStdin, string? headerStdin)
    {
        if (envStdin is not null && headerStdin is not null)
        {
            throw new ValidationFailedException("stdin", "Use either --env-stdin or --header-stdin, not both (standard input is read once).");
        }
    }

    private static (string Key, string Value) Split(string item, char separator, string field, string expectation, bool trimValue = true)
    {
        var at = item.IndexOf(separator, StringComparison.Ordinal);
        if (at <= 0)
        {
            throw new ValidationFailedException(field, $"{expectation}, got '{item}'.");
        }

        var value = item[(at + 1)..];
        return (item[..at].Trim(), trimValue ? value.Trim() : value);
    }

    private static string FromEnvironment(CliContext context, string variable, string field) =>
        context.Configuration[variable] is { Length: > 0 } value
            ? value.Trim()
            : throw new ValidationFailedException(field, $"Environment variable {variable} is not set or empty.");

    private static string ReadStdin(CliContext context, string field)
    {
        var value = context.Stdin.ReadToEnd().Trim();
        return value.Length > 0 ? value : throw new ValidationFailedException(field, "Standard input was empty.");
    }
}
