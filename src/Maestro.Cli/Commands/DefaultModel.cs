using Maestro.Core.Models;
using Maestro.Core.Providers;

namespace Maestro.Cli.Commands;

/// <summary>
/// The model a command uses when the user names none: the same choice for `chat`, the chat REPL and `session create`
/// (the provider's default when this auth offers it, else the first model it lists).
/// </summary>
public static class DefaultModel
{
    public static async Task<string?> ResolveAsync(CliContext ctx, string auth, string? requested, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(requested))
        {
            return requested.Trim();
        }

        var target = CommonOptions.ParseAuth(auth);
        var (provider, _) = await ctx.Get<ProviderConnections>().ConnectAsync(target, cancellationToken);
        return await ctx.Get<DefaultModels>().ResolveAsync(target, provider.Descriptor, null, cancellationToken);
    }
}
