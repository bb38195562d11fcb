using Maestro.Core.Conversations;
using Maestro.Core.Errors;
using Maestro.Core.Providers;
using Maestro.Core.Sessions;
using Maestro.Core.Tools;

namespace Maestro.Core.Context;

/// <summary>
/// The context stage of the turn path, once per model call: the thread read once (again only when compaction changed
/// it), compacted when it no longer fits, then assembled for the provider. A saturated database makes the round wait,
/// not fail.
/// </summary>
public sealed class TurnContextBuilder(ContextAssembler assembler, ContextCompactor compactor, TimeProvider time)
{
    /// <param name="known">The thread's messages when the caller has just read them (a turn's start does); null reads them.</param>
    public Task<AssembledContext> BuildRoundAsync(
        Session session, IProvider provider, ProviderConnection connection, ToolSet tools, List<ConversationMessage>? known, CancellationToken cancellationToken) =>
        BusyRetry.RunAsync(() => BuildAsync(session, provider, connection, tools, known, cancellationToken), time, cancellationToken);

    private async Task<AssembledContext> BuildAsync(
        Session session, IProvider provider, ProviderConnection connection, ToolSet tools, List<ConversationMessage>? known, CancellationToken cancellationToken)
    {
        var threadId = session.CurrentThreadId ?? throw new InvalidOperationException("A running turn always has a thread.");
        var stored = known ?? await assembler.LoadThreadAsync(threadId, cancellationToken);
        if (await compactor.CompactIfNeededAsync(session, provider, connection, stored, cancellationToken))
        {
            stored = await assembler.LoadThreadAsync(threadId, cancellationToken);
        }

        return await assembler.BuildAsync(session, provider.Descriptor.Id, stored, tools, cancellationToken);
    }
}
