using Maestro.Core.Errors;
using Spectre.Console;

namespace Maestro.Cli.Commands;

/// <summary>
/// Gets an API key without it ever appearing as a command-line argument (which other users can read in the process
/// list and which lands in shell history): from stdin, an environment variable, or a hidden prompt.
/// </summary>
public static class ApiKeyInput
{
    public static string Read(CliContext context, bool fromStdin, string? fromEnv, string promptLabel)
    {
        if (fromStdin && fromEnv is not null)
        {
            throw new ValidationFailedException("api_key", "Use either --api-key-stdin or --api-key-env, not both.");
        }

        if (fromStdin)
        {
            return context.Stdin.ReadToEnd().Trim();
        }

        if (fromEnv is not null)
        {
            return context.Configuration[fromEnv] is { Length: > 0 } value
                ? value.Trim()
                : throw new ValidationFailedException("api_key", $"Environment variable {fromEnv} is not set or empty.");
        }

        if (context.StdinIsTerminal)
        {
            return context.Console.Prompt(new TextPrompt<string>($"{promptLabel}:").Secret().AllowEmpty()).Trim();
        }

        throw new ValidationFailedException("api_key",
            "No API key given. Pipe it in with --api-key-stdin, or name an environment variable with --api-key-env VAR (it is never taken as a plain argument).");
    }
}
