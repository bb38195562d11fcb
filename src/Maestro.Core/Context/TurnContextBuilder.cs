using Maestro.Core.Conversations;
using Maestro.Core.Errors;
using Maestro.Core.Providers;
using Maestro.Core.Sessions;
using Maestro.Core.Tools;

namespace Maestro.Core.Context;

/// <summary>
/// The context stage of the turn path, once per model call: the thread caught up (read whole once, then only what the
/// turn wrote since; again whole when compaction changed it) and the prompt stack's texts (read once per turn),
/// compacted when it no longer fits, then assembled for the provider. A saturated database makes the round wait, not fail.
/// </summary>
public sealed class TurnContextBuilder(ContextAssembler assembler, ContextCompactor compactor, TimeProvider time)
{
    public Task<AssembledContext> BuildRoundAsync(
        Session session, IProvider provider, ProviderConnection connection, ToolSet tools, TurnThread thread, TurnPrompts prompts,
        CancellationToken cancellationToken) =>
        BusyRetry.RunAsync(() => BuildAsync(session, provider, connection, tools, thread, prompts, cancellationToken), time, cancellationToken);

    private async Task<AssembledContext> BuildAsync(
        Session session, IProvider provider, ProviderConnection connection, ToolSet tools, TurnThread thread, TurnPrompts prompts,
        CancellationToken cancellationToken)
    {
        var threadId = session.CurrentThreadId ?? throw new InvalidOperationException("A running turn always has a thread.");
        var stored = await thread.ReadAsync(assembler, threadId, cancellationToken);
        var promptTexts = await prompts.ReadAsync(assembler, session, cancellationToken);
        // Assembled once and judged by its own estimate: translating a long agent thread (and sizing its tool calls'
        // arguments) is the costly part, and a round that fits, nearly all of them, does it once.
        var context = assembler.Build(session, provider.Descriptor.Id, stored, tools, promptTexts);
        try
        {
            if (await compactor.CompactIfNeededAsync(session, provider, connection, stored, context.EstimatedTokens, cancellationToken))
            {
                stored = await assembler.LoadThreadAsync(threadId, cancellationToken);
                thread.Replace(stored);
                context = assembler.Build(session, provider.Descriptor.Id, stored, tools, promptTexts);
            }
        }
        catch
        {
            // A compaction that failed part way may have changed the thread: a retry starts from a whole read.
            thread.Replace(null);
            throw;
        }

        return context;
    }
}
