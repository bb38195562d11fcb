using System.Diagnostics;
using Maestro.Core.Chat;
using Maestro.Core.Context;
using Maestro.Core.Conversations;
using Maestro.Core.Events;
using Maestro.Core.Providers;
using Maestro.Core.Sessions;
using Maestro.Core.Telemetry;
using Maestro.Core.Tools;
using Maestro.Core.Usage;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Maestro.Core.Turns;

/// <summary>
/// One turn, start to end: assemble the context → stream the model's answer (publishing every event, saving progress
/// every second) → run the tool calls → feed the results back → repeat until the model stops, the round limit, a
/// failure or a stop request. Whatever happens, the turn is recorded as finished and its viewers are told.
/// </summary>
internal sealed class TurnRunner(
    TurnRunnerFactory services,
    TurnRecord turn,
    Session session,
    IProvider provider,
    ProviderConnection connection,
    ToolSet tools,
    IApprovalHandler approvals,
    TurnThread thread,
    TurnPrompts prompts,
    CancellationTokenSource cancellation)
{
    private readonly TaskCompletionSource<TurnOutcome> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    // Kept after the last round: until the turn's end is saved the turn still runs, and a viewer that (re)connects
    // meanwhile must get the answer's text, not an empty message.
    private volatile LiveText? _live;
    private volatile bool _ended;
    private int _rounds;

    public Guid TurnId => turn.Id;

    public Guid SessionId => session.Id;

    public Task<TurnOutcome> Completion => _done.Task;

    public void Cancel()
    {
        try
        {
            cancellation.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already finished.
        }
    }

    /// <summary>The turn as it stands, for a viewer that (re)connects; null once its end is saved (the database has it).</summary>
    public LiveTurn? Snapshot()
    {
        if (_ended)
        {
            // turn_finished may already be out, and gone with a stalled viewer's backlog: a "running" snapshot now
            // would leave that viewer waiting for an end it never gets.
            return null;
        }

        // The id first: events after it are newer than the text, so replaying them never loses a delta (a viewer skips
        // the deltas the text already holds by their offset).
        var asOf = services.Events.LastId;
        // One read of the message: its id, text and status belong together (a later round swaps in a new one whole).
        var live = _live;
        return new LiveTurn(turn.Id, live?.MessageId, live?.ToString() ?? "", asOf, live?.Status ?? MessageStatus.Streaming);
    }

    public async Task<TurnOutcome> RunAsync()
    {
        var ct = cancellation.Token;
        var rounds = 0;
        var usage = new UsageDetails();
        var status = TurnStatus.Completed;
        string? error = null;
        var client = services.Connections.ChatClient(provider, connection);
        using var telemetry = TurnTelemetry.Start(
            services.Metrics, turn.Id, session.Id, session.Name, session.CurrentThreadId, provider.Descriptor.Id, connection.AuthLabel, session.Model);
        var scope = services.Executor.ScopeFor(turn.Id, session, tools, approvals);
        // The write-behind persister beats for every running turn at once; a stop requested elsewhere comes back here.
        using var heartbeat = services.Journal.Beat(turn.Id, () => Volatile.Read(ref _rounds), Cancel);
        try
        {
            var limit = session.Settings.RoundLimit > 0 ? session.Settings.RoundLimit : services.Options.DefaultRoundLimit;
            while (true)
            {
                if (rounds >= limit)
                {
                    Notice($"Stopped after {limit} model calls in one turn (the session's round limit). Send a message to let it continue.");
                    break;
                }

                rounds++;
                _rounds = rounds;
                // The first round is built from the thread the start read with its write; later rounds add what the turn wrote.
                var context = await services.Context.BuildRoundAsync(session, provider, connection, tools, thread, prompts, ct);
                var (message, calls) = await StreamRoundAsync(client, context, rounds, usage, ct);
                if (message.Status != MessageStatus.Complete)
                {
                    status = message.Status == MessageStatus.Cancelled ? TurnStatus.Cancelled : TurnStatus.Failed;
                    error = message.Error;
                    break;
                }

                if (calls.Count == 0)
                {
                    break;
                }

                var results = await services.Executor.ExecuteAsync(scope, calls, ct);
                var toolMessage = await services.Journal.AppendAsync(
                    new NewMessage(session.CurrentThreadId!.Value, MessageRole.Tool, [.. results], MessageStatus.Complete, turn.Id));
                Publish(SessionEventTypes.MessageFinished, toolMessage.Id, message: MessageInfo.From(toolMessage, rounds));
                if (ct.IsCancellationRequested)
                {
                    status = TurnStatus.Cancelled;
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            status = TurnStatus.Cancelled;
        }
        catch (Exception ex)
        {
            services.Logger.LogError(ex, "Turn {TurnId} of session {Session} failed", turn.Id, session.Name);
            status = TurnStatus.Failed;
            error = ex is Errors.MaestroException ? ex.Message : $"Unexpected failure: {ex.Message}";
        }

        var outcome = new TurnOutcome(status, rounds, usage, error);
        telemetry.Finish(status.ToWire(), rounds, usage, error);
        await FinishAsync(outcome);
        _done.TrySetResult(outcome);
        cancellation.Dispose();
        return outcome;
    }

    /// <summary>One model call: streams into a new assistant message and returns it with its tool calls.</summary>
    private async Task<(ConversationMessage Message, List<FunctionCallContent> Calls)> StreamRoundAsync(
        IChatClient client, AssembledContext context, int round, UsageDetails usage, CancellationToken ct)
    {
        // The message's id is chosen here so that the request goes out while its row is written: the provider's first
        // byte and the database's answer are waited for together, not one after the other.
        var messageId = Guid.CreateVersion7();
        new UsageScope(UsagePurposes.Turn, session.Id, messageId).Apply(context.Options);
        var clock = Stopwatch.StartNew();
        using var request = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var updates = new PacedUpdates(client.GetStreamingResponseAsync(context.Messages, context.Options, request.Token), services.Options.ReadCadence)
            .GetAsyncEnumerator(request.Token);
        var next = FirstMove(updates);
        ConversationMessage message;
        try
        {
            message = await services.Journal.AppendAsync(new NewMessage(
                session.CurrentThreadId!.Value, MessageRole.Assistant, [], MessageStatus.Streaming, turn.Id,
                provider.Descriptor.Id, session.Model, connection.Auth.Id, connection.AuthLabel, messageId));
        }
        catch
        {
            // No message to stream into: the request is called off, and its read ends before the stream is let go.
            await request.CancelAsync();
            await ((Task)next.AsTask()).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await updates.DisposeAsync();
            throw;
        }

        var builder = new AssistantMessageBuilder();
        var live = new LiveText(message.Id);
        _live = live;
        var lastSave = clock.Elapsed;
        int? firstToken = null;
        long textOffset = 0;
        var deltas = new List<StreamEvent>(2);
        var burst = new TextBurst();
        MessageStatus status;
        string? error = null;
        try
        {
            await using (updates)
            {
                Publish(SessionEventTypes.MessageStarted, message.Id, message: MessageInfo.From(message, round));
                for (; ; next = updates.MoveNextAsync())
                {
                    if (!next.IsCompleted)
                    {
                        // Everything this read brought is in: its text goes to the viewers now, as one delta.
                        PublishText(burst, live, message.Id);
                    }

                    if (!await next)
                    {
                        break;
                    }

                    var update = updates.Current;
                    builder.Add(update);
                    if (firstToken is null && builder.HasContent)
                    {
                        firstToken = (int)clock.ElapsedMilliseconds;
                    }

                    // Text deltas carry where they go in the message, so a viewer resuming from a snapshot skips what it has.
                    if (update is { FinishReason: null, Contents: [var only] } && Token(only) is ({ } kind, { } token))
                    {
                        if (!burst.IsEmpty && burst.Kind != kind)
                        {
                            PublishText(burst, live, message.Id);
                        }

                        burst.Add(kind, token, kind == "text" ? textOffset : null);
                        if (kind == "text")
                        {
                            textOffset += token.Length;
                        }

                        if (burst.IsFull)
                        {
                            PublishText(burst, live, message.Id);
                        }
                    }
                    else
                    {
                        PublishText(burst, live, message.Id);
                        deltas.Clear();
                        StreamEvent.AddTo(deltas, update, ref textOffset);
                        for (var i = 0; i < deltas.Count; i++)
                        {
                            var delta = deltas[i];
                            if (delta is { Type: "text", Text: { } text })
                            {
                                live.Append(text);
                            }

                            PublishDelta(message.Id, delta);
                        }
                    }

                    if (clock.Elapsed - lastSave >= services.Options.PersistInterval)
                    {
                        // Handed to the write-behind persister: no database round trip on the stream's path.
                        lastSave = clock.Elapsed;
                        services.Journal.SaveProgress(message.Id, builder.Snapshot());
                    }
                }
            }

            status = builder.Error is null ? MessageStatus.Complete : MessageStatus.Error;
            error = builder.Error?.Message;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            status = MessageStatus.Cancelled;
        }
        catch (Errors.MaestroException ex)
        {
            // ProviderException (after retries), a needs-relogin auth, a request the adapter refused as invalid.
            status = MessageStatus.Error;
            error = ex.Message;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            services.Logger.LogError(ex, "Streaming round {Round} of turn {TurnId} failed", round, turn.Id);
            status = MessageStatus.Error;
            error = $"Unexpected failure: {ex.Message}";
        }

        // What the last read brought when the stream ended or failed.
        PublishText(burst, live, message.Id);
        var contents = builder.Complete();
        if (builder.Usage is { } u)
        {
            usage.Add(u);
        }

        if (await services.Journal.SaveEndAsync(turn.Id, message.Id, new MessageUpdate
        {
            Contents = contents,
            Status = status,
            Usage = builder.Usage,
            LatencyMs = (int)clock.ElapsedMilliseconds,
            FirstTokenMs = firstToken,
            Error = error,
        }) is { } saveError)
        {
            status = MessageStatus.Error;
            error = saveError;
        }

        var finished = message with
        {
            Contents = contents,
            Status = status,
            Usage = builder.Usage,
            LatencyMs = (int)clock.ElapsedMilliseconds,
            FirstTokenMs = firstToken,
            Error = error,
            Model = builder.ModelId ?? message.Model,
        };
        // Before the event, as for the text: a snapshot still showing the message as written is followed by its end.
        live.Finish(status);
        Publish(SessionEventTypes.MessageFinished, message.Id, message: MessageInfo.From(finished, round));
        return (finished, status == MessageStatus.Complete ? builder.FunctionCalls() : []);
    }

    /// <summary>The stream's first read, with an exception thrown at once kept for the round's own handling.</summary>
    private static ValueTask<bool> FirstMove(IAsyncEnumerator<ChatResponseUpdate> updates)
    {
        try
        {
            return updates.MoveNextAsync();
        }
        catch (Exception ex)
        {
            return ValueTask.FromException<bool>(ex);
        }
    }

    private async Task FinishAsync(TurnOutcome outcome)
    {
        await services.Journal.EndTurnAsync(new Persistence.TurnEnd(turn.Id, outcome.Status, outcome.Rounds, outcome.Usage, outcome.Error));
        // Before the event: a snapshot that still sees the turn running is then sure to be followed by its end.
        _ended = true;
        Publish(SessionEventTypes.TurnFinished, null, turnInfo: new TurnInfo(outcome.Status.ToWire(), outcome.Rounds, null, outcome.Error, outcome.Usage));
    }

    /// <summary>
    /// The burst's text as one delta. The live text grows right before the delta is published, as for every delta: a
    /// snapshot that has the text is then sure to skip the delta, and one that lacks it to get it.
    /// </summary>
    private void PublishText(TextBurst burst, LiveText live, Guid messageId)
    {
        if (burst.IsEmpty)
        {
            return;
        }

        var (kind, offset) = (burst.Kind, burst.Offset);
        var text = burst.Take();
        if (kind == "text")
        {
            live.Append(text);
        }

        PublishDelta(messageId, new StreamEvent { Type = kind, Text = text, Offset = offset });
    }

    /// <summary>A plain token of answer or reasoning text (what a burst gathers); (null, null) for anything else.</summary>
    private static (string? Kind, string? Text) Token(AIContent content) => content switch
    {
        TextContent { Text: { Length: > 0 } text } => ("text", text),
        TextReasoningContent { Text: { Length: > 0 } thought, ProtectedData: null, AdditionalProperties: null } => ("reasoning", thought),
        _ => (null, null),
    };

    private void PublishDelta(Guid messageId, StreamEvent delta) =>
        services.Events.Publish(new SessionEvent { SessionId = session.Id, Type = SessionEventTypes.Delta, TurnId = turn.Id, MessageId = messageId, Delta = delta });

    private void Notice(string text) => Publish(SessionEventTypes.Notice, null, notice: text);

    private void Publish(string type, Guid? messageId, MessageInfo? message = null, TurnInfo? turnInfo = null, string? notice = null) =>
        services.Events.Publish(new SessionEvent
        {
            SessionId = session.Id,
            Type = type,
            TurnId = turn.Id,
            MessageId = messageId,
            Message = message,
            Turn = turnInfo,
            Notice = notice,
        });
}
