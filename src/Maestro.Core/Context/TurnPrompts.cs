using Maestro.Core.Sessions;

namespace Maestro.Core.Context;

/// <summary>
/// The texts of the session's prompt stack for one turn, read at its first round and kept for the others. A turn runs
/// on the session as it was when it started (model, settings, stack), so its system prompt stays the same from round to
/// round: an edit to a prompt applies from the next turn, and a provider's prompt cache stays valid for the whole turn.
/// </summary>
public sealed class TurnPrompts
{
    private IReadOnlyList<string>? _texts;

    internal async ValueTask<IReadOnlyList<string>> ReadAsync(ContextAssembler assembler, Session session, CancellationToken cancellationToken) =>
        _texts ??= await assembler.PromptTextsAsync(session, cancellationToken);
}
