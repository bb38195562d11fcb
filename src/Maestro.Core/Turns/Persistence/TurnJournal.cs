using Maestro.Core.Conversations;
using Maestro.Core.Errors;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Maestro.Core.Turns.Persistence;

/// <summary>
/// The persistence stage of the turn path: what a running turn writes. New messages are written at once (viewers and
/// the next round need their ids); progress, final states, turn ends and heartbeats go through the write-behind
/// <see cref="TurnPersister"/>, so the stream never waits on the database. Writes never take the turn's cancellation
/// token (a stopped turn still records what it produced) and wait out a saturated database instead of failing the turn.
/// </summary>
public sealed class TurnJournal(IConversationStore conversations, TurnPersister persister, TimeProvider time, ILogger<TurnJournal> logger)
{
    public Task<ConversationMessage> AppendAsync(NewMessage message) =>
        BusyRetry.RunAsync(() => conversations.AppendAsync(message, CancellationToken.None), time, CancellationToken.None);

    /// <summary>The contents so far of an answer still streaming; saved with the next batch (latest wins).</summary>
    public void SaveProgress(Guid messageId, IList<AIContent> contents) => persister.SaveProgress(messageId, contents);

    /// <summary>Heartbeats for a running turn until disposed; a stop requested elsewhere calls <paramref name="stopRequested"/>.</summary>
    public IDisposable Beat(Guid turnId, Func<int> rounds, Action stopRequested) => persister.Beat(turnId, rounds, stopRequested);

    /// <summary>
    /// Saves how the answer ended. A database that is only busy delays it (the persister writes it again, up to its
    /// patience); if the database refuses it for good, the message still ends — as an error with the reason —
    /// instead of staying "streaming"; if even that cannot be written, turn recovery marks it interrupted once the
    /// turn's heartbeat stops. Returns the reason when the answer could not be saved.
    /// </summary>
    public async Task<string?> SaveEndAsync(Guid turnId, Guid messageId, MessageUpdate update)
    {
        try
        {
            // Batched with the other turns' final saves; a failed write is reported back here.
            await persister.SaveFinalAsync(messageId, update);
            return null;
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Saving the end of message {MessageId} of turn {TurnId} failed", messageId, turnId);
            var reason = $"The answer could not be saved: {ex.Message}";
            try
            {
                await conversations.UpdateMessageAsync(messageId, new MessageUpdate { Status = MessageStatus.Error, Error = reason }, CancellationToken.None);
            }
            catch (Exception again)
            {
                logger.LogWarning("Marking message {MessageId} failed did not work either: {Message}", messageId, again.Message);
            }

            return reason;
        }
    }

    /// <summary>Records the end of a turn (batched with the other turns ending now; its pending approvals expire).</summary>
    public async Task EndTurnAsync(TurnEnd end)
    {
        try
        {
            await persister.EndTurnAsync(end);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Recording the end of turn {TurnId} failed", end.TurnId);
        }
    }
}
