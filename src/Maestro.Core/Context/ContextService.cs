using Maestro.Core.Conversations;
using Maestro.Core.Errors;
using Maestro.Core.Events;
using Maestro.Core.Providers;
using Maestro.Core.Sessions;
using Maestro.Core.Tools;
using Maestro.Core.Turns;
using Microsoft.Extensions.AI;

namespace Maestro.Core.Context;

/// <summary>
/// The PRD's context management: list a session's context chunks (each message the model will see, with its size and
/// token estimate, against the model's window), delete chunks (a tool call and its result always go together), and
/// compact on demand.
/// </summary>
public sealed class ContextService(
    IConversationStore conversations,
    ContextAssembler assembler,
    ContextCompactor compactor,
    ContextWindows windows,
    ProviderConnections connections,
    ITurnStore turns,
    SessionEventHub events,
    TurnEngine engine)
{
    /// <summary>A calibration outside this range is taken as a sign the estimate and the report describe different contexts.</summary>
    private const double MinFactor = 0.2;
    private const double MaxFactor = 5;

    public async Task<ContextReport> ListAsync(Session session, CancellationToken cancellationToken)
    {
        var stored = session.CurrentThreadId is { } thread ? await assembler.LoadThreadAsync(thread, cancellationToken) : [];
        var tools = await engine.ToolsAsync(session, cancellationToken);
        var instructions = await assembler.InstructionsAsync(session, stored, tools, cancellationToken);
        var instructionTokens = TokenEstimate.Of(instructions);
        var toolTokens = TokenEstimate.Of(tools.Declarations);
        var chunks = new List<ContextChunk>();
        ConversationMessage? lastReported = null;
        var tokensBeforeLastReported = 0;
        foreach (var m in stored)
        {
            if (!m.InContext && m.Role != MessageRole.Summary)
            {
                continue;
            }

            if (m.Role == MessageRole.Summary && m.ExcludedAt is not null)
            {
                continue;
            }

            var chars = 0;
            foreach (var c in m.Contents)
            {
                chars += c switch
                {
                    TextContent t => t.Text.Length,
                    TextReasoningContent r => r.Text.Length,
                    FunctionCallContent call => call.Name.Length + (call.Arguments is null ? 0 : System.Text.Json.JsonSerializer.Serialize(call.Arguments).Length),
                    FunctionResultContent r => r.Result?.ToString()?.Length ?? 0,
                    _ => 0,
                };
            }

            if (m.Role == MessageRole.Assistant && m.Usage?.InputTokenCount is > 0)
            {
                // The provider's count for this call covers everything before it: the estimate of that is what it calibrates.
                lastReported = m;
                tokensBeforeLastReported = chunks.Sum(c => c.Tokens);
            }

            chunks.Add(new ContextChunk(m.Id, m.Seq, m.Role.ToWire(), Kind(m), chars, TokenEstimate.Of(m.Contents), Preview(m), m.CreatedAt));
        }

        var window = session.Auth is { } auth ? await windows.ForAsync(auth, session.Model, cancellationToken) : ContextWindows.Default;
        var estimated = instructionTokens + toolTokens + chunks.Sum(c => c.Tokens);
        var calibration = Calibrate(lastReported, instructionTokens + toolTokens + tokensBeforeLastReported);
        var total = calibration is null ? estimated : (int)Math.Round(estimated * calibration.Factor);
        return new ContextReport(chunks, instructionTokens, total, window, Math.Round(100.0 * total / window, 1))
        {
            ToolTokens = toolTokens,
            ToolCount = tools.Count,
            EstimatedTokens = estimated,
            Calibration = calibration,
        };
    }

    /// <summary>
    /// The ratio of what the provider counted for the last answer's input to the estimate of the same context: the
    /// estimate (4 characters a token) misses tokenizer differences, message framing and tool-schema overhead.
    /// </summary>
    private static ContextCalibration? Calibrate(ConversationMessage? reported, int estimateBefore)
    {
        if (reported?.Usage?.InputTokenCount is not { } input || estimateBefore <= 0)
        {
            return null;
        }

        var factor = (double)input / estimateBefore;
        return factor is < MinFactor or > MaxFactor ? null : new ContextCalibration(input, estimateBefore, Math.Round(factor, 3));
    }

    /// <summary>Removes a chunk from the model's context (it stays visible in the history, marked as removed).</summary>
    public async Task<IReadOnlyList<Guid>> DeleteAsync(Session session, Guid chunkId, CancellationToken cancellationToken)
    {
        if (await turns.GetRunningAsync(session.Id, cancellationToken) is not null)
        {
            throw new ConflictException("A turn is running in this session; stop it or wait before changing its context.", "session");
        }

        var stored = session.CurrentThreadId is { } thread ? await assembler.LoadThreadAsync(thread, cancellationToken) : [];
        var chunk = stored.Find(m => m.Id == chunkId && (m.InContext || m.Role == MessageRole.Summary) && m.ExcludedAt is null)
            ?? throw new NotFoundException($"There is no context chunk {chunkId} in session '{session.Name}'.", "List them with `maestro session context <session>`.");

        var remove = new HashSet<Guid> { chunk.Id };
        var callIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var c in chunk.Contents)
        {
            switch (c)
            {
                case FunctionCallContent call:
                    callIds.Add(call.CallId);
                    break;
                case FunctionResultContent result:
                    callIds.Add(result.CallId);
                    break;
                default:
                    break;
            }
        }

        // A call and its result go together: deleting either removes the messages holding the other.
        if (callIds.Count > 0)
        {
            foreach (var m in stored)
            {
                foreach (var c in m.Contents)
                {
                    if ((c is FunctionCallContent call && callIds.Contains(call.CallId)) || (c is FunctionResultContent r && callIds.Contains(r.CallId)))
                    {
                        remove.Add(m.Id);
                    }
                }
            }
        }

        await conversations.ExcludeAsync(remove, cancellationToken);
        events.Publish(new SessionEvent
        {
            SessionId = session.Id,
            Type = SessionEventTypes.SessionChanged,
            Notice = remove.Count == 1 ? "Removed a context chunk." : $"Removed {remove.Count} context chunks (a tool call and its result go together).",
        });
        return [.. remove];
    }

    public async Task<CompactionResult> CompactAsync(Session session, CancellationToken cancellationToken)
    {
        if (await turns.GetRunningAsync(session.Id, cancellationToken) is not null)
        {
            throw new ConflictException("A turn is running in this session; compact when it has finished.", "session");
        }

        if (session.Auth is not { } auth)
        {
            throw new ValidationFailedException("auth", $"Session '{session.Name}' has no auth to summarize with.");
        }

        var (provider, connection) = await connections.ConnectAsync(auth, cancellationToken);
        return await compactor.CompactAsync(session, provider, connection, cancellationToken);
    }

    private static string Kind(ConversationMessage m) => m.Role switch
    {
        MessageRole.Summary => "summary",
        MessageRole.Tool => "tool_result",
        MessageRole.Assistant when m.Contents.Any(c => c is FunctionCallContent) => "tool_call",
        _ => "text",
    };

    private static string Preview(ConversationMessage m)
    {
        var text = m.Text;
        if (text.Length == 0)
        {
            text = string.Join(", ", m.Contents.Select(c => c switch
            {
                FunctionCallContent call => $"{call.Name}(…)",
                FunctionResultContent r => $"result: {r.Result}",
                _ => "",
            }).Where(s => s.Length > 0));
        }

        text = text.ReplaceLineEndings(" ");
        return text.Length <= 120 ? text : string.Concat(text.AsSpan(0, 119), "…");
    }
}

public sealed record ContextChunk(Guid Id, long Seq, string Role, string Kind, int Chars, int Tokens, string Preview, DateTimeOffset CreatedAt);

/// <param name="InstructionTokens">Estimated tokens of the system prompt (prompts, the session's own, the environment, summaries).</param>
/// <param name="TotalTokens">The estimate of everything the model sees, calibrated when <see cref="Calibration"/> is set.</param>
/// <param name="PercentOfWindow">Share of the model's context window in use.</param>
public sealed record ContextReport(IReadOnlyList<ContextChunk> Chunks, int InstructionTokens, int TotalTokens, int ContextWindow, double PercentOfWindow)
{
    /// <summary>Estimated tokens of the tool definitions (names, descriptions, JSON schemas) sent with every call.</summary>
    public int ToolTokens { get; init; }

    public int ToolCount { get; init; }

    /// <summary>The uncalibrated estimate: system prompt + tools + chunks.</summary>
    public int EstimatedTokens { get; init; }

    /// <summary>How the estimate was corrected with the provider's count, or null when no answer reported one yet.</summary>
    public ContextCalibration? Calibration { get; init; }
}

/// <param name="ReportedInputTokens">Input tokens the provider reported for the last answer.</param>
/// <param name="EstimatedTokens">The estimate of the context that answer saw.</param>
/// <param name="Factor">ReportedInputTokens / EstimatedTokens, applied to the current estimate.</param>
public sealed record ContextCalibration(long ReportedInputTokens, int EstimatedTokens, double Factor);
