using System.CommandLine;
using Maestro.Core.Auths;

namespace Maestro.Cli.Commands;

/// <summary>Options and arguments several commands share, so they read and explain themselves the same way.</summary>
public static class CommonOptions
{
    public static Option<bool> Json() => new("--json") { Description = "Print JSON instead of a table (snake_case, like the REST API)." };

    public static Argument<string> AuthRef(string description = "The auth, as provider/name (e.g. anthropic/work).") =>
        new("auth") { Description = description };

    public static Option<bool> ApiKeyStdin() => new("--api-key-stdin")
    {
        Description = "Read the API key from standard input (e.g. `pass show anthropic | maestro auth add ...`).",
    };

    public static Option<string> ApiKeyEnv() => new("--api-key-env")
    {
        Description = "Read the API key from this environment variable (e.g. --api-key-env ANTHROPIC_API_KEY).",
        HelpName = "VAR",
    };

    public static AuthRef ParseAuth(string text) => Core.Auths.AuthRef.Parse(text);

    /// <summary>The same refusal for every command that listens (serve, emulate).</summary>
    public static int CheckPort(int port) => port is >= 0 and <= 65535
        ? port
        : throw new Core.Errors.ValidationFailedException("port", $"{port} is not a port number (0-65535).");
}
