using Maestro.Core.Errors;
using Maestro.Core.Providers;
using Spectre.Console;

namespace Maestro.Cli.Output;

/// <summary>Prints a failure as one line (plus a hint) on stderr; stack traces only with MAESTRO_DEBUG=1.</summary>
public static class Errors
{
    public static int Report(Exception exception, TextWriter stderr, bool debug)
    {
        switch (exception)
        {
            case ValidationFailedException validation:
                foreach (var (field, messages) in validation.Errors)
                {
                    foreach (var message in messages)
                    {
                        stderr.WriteLine($"error: {field}: {Invocation.Rewrite(message)}");
                    }
                }

                break;
            case MaestroException maestro:
                stderr.WriteLine($"error: {Invocation.Rewrite(maestro.Message)}");
                if (maestro.Hint is not null)
                {
                    stderr.WriteLine($"hint: {Invocation.Rewrite(maestro.Hint)}");
                }

                break;
            case OperationCanceledException:
                stderr.WriteLine("Cancelled.");
                return 130;
            default:
                stderr.WriteLine($"error: unexpected failure: {exception.Message}");
                if (!debug)
                {
                    stderr.WriteLine("hint: run again with MAESTRO_DEBUG=1 for details, and report it if it persists.");
                }

                break;
        }

        if (debug)
        {
            stderr.WriteLine(exception.ToString());
        }

        return exception is ProviderException ? 3 : 1;
    }

    public static string Escape(string text) => Markup.Escape(text);
}
