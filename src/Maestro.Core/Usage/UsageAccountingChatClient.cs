using System.Runtime.CompilerServices;
using Maestro.Core.Auths;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Maestro.Core.Usage;

/// <summary>
/// Counts every call of an auth's pipeline in the usage ledger: its tokens (from the response's usage, or the one
/// usage update at the end of a stream) for the auth, and for the session and message its <see cref="UsageScope"/>
/// names. Turns, compaction, titles and one-off chats are all counted, because they all call through here. The record
/// is only queued (<see cref="IUsageRecorder"/> writes behind), so the end of a stream never waits for the database, and
/// a ledger that cannot be written loses the record (logged), never the answer.
/// </summary>
public sealed class UsageAccountingChatClient(IChatClient innerClient, IUsageRecorder recorder, AuthRecord auth, ILogger logger)
    : DelegatingChatClient(innerClient)
{
    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var response = await base.GetResponseAsync(messages, options, cancellationToken);
        if (response.Usage is { } usage)
        {
            Record(options, usage);
        }

        return response;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        UsageDetails? usage = null;
        try
        {
            await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken))
            {
                var contents = update.Contents;
                for (var i = 0; i < contents.Count; i++)
                {
                    if (contents[i] is UsageContent found)
                    {
                        usage = found.Details;
                    }
                }

                yield return update;
            }
        }
        finally
        {
            // Also when the caller stops early: tokens the provider reported were spent.
            if (usage is not null)
            {
                Record(options, usage);
            }
        }
    }

    private void Record(ChatOptions? options, UsageDetails usage)
    {
        var scope = UsageScope.Of(options);
        try
        {
            recorder.Record(new UsageRecord(
                auth.Id, auth.Provider, options?.ModelId ?? "?", scope?.Purpose ?? UsagePurposes.Chat, usage, scope?.SessionId, scope?.MessageId));
        }
        catch (Exception ex)
        {
            logger.LogWarning("Could not record the usage of a call by {Auth}: {Message}", auth.Ref, ex.Message);
        }
    }
}
