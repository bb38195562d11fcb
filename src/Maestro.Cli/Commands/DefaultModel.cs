using Maestro.Core.Models;

namespace Maestro.Cli.Commands;

/// <summary>
/// The model a command uses when the user names none: the same choice for `chat`, the chat REPL and `session create`
/// (the provider's documented default, resolved against the auth's live list).
/// </summary>
public static class DefaultModel
{
    public static async Task<string?> ResolveAsync(CliContext ctx, string auth, string? requested, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(requested))
        {
            return requested.Trim();
        }

        return await ctx.Get<DefaultModels>().ResolveAsync(CommonOptions.ParseAuth(auth), null, cancellationToken);
    }
}
