using System.Text.Json;
using Maestro.Core.Providers;
using Maestro.Gateway.Translation;
using Microsoft.Extensions.AI;

namespace Maestro.Gateway.Outbound;

/// <summary>
/// Renders a translated answer in the client's wire format. Updates are folded into an <see cref="Answer"/> whose
/// parts open and close as the content changes kind; a streaming renderer writes events as that happens, a whole-body
/// renderer writes the finished answer at the end. Error updates are the caller's to handle.
/// </summary>
internal abstract class ClientRenderer(AnswerContext context, SseWriter output, bool streaming)
{
    private AnswerPart? _open;

    public Answer Answer { get; } = new();

    protected AnswerContext Context { get; } = context;

    protected SseWriter Output { get; } = output;

    protected bool Streaming { get; } = streaming;

    /// <summary>The response's content type.</summary>
    public abstract string ContentType { get; }

    /// <summary>The model to echo: what the provider said answered, else what the client asked for.</summary>
    protected string Model => Answer.ModelId ?? Context.ClientModel;

    /// <summary>Called once, when the first update arrived and the response is committed.</summary>
    public virtual void Start()
    {
    }

    public void Write(ChatResponseUpdate update)
    {
        if (update.ModelId is { Length: > 0 } model && Answer.ModelId is null)
        {
            Answer.ModelId = model;
        }

        foreach (var content in update.Contents)
        {
            switch (content)
            {
                case TextContent { Text.Length: > 0 } text:
                    var textPart = _open as TextPart ?? Open(new TextPart());
                    textPart.Text.Append(text.Text);
                    OnTextDelta(textPart, text.Text);
                    break;
                case TextReasoningContent reasoning when Context.ShowReasoning:
                    Reasoning(reasoning);
                    break;
                case FunctionCallContent call:
                    CloseOpen();
                    var part = new CallPart(call, ArgumentsJson(call.Arguments));
                    Answer.Parts.Add(part);
                    Answer.HasToolCalls = true;
                    OnToolCall(part);
                    break;
                case UsageContent usage:
                    Answer.Usage = usage.Details;
                    break;
            }
        }

        if (update.FinishReason is { } finish)
        {
            Answer.Finish = finish;
        }

        if (update.AdditionalProperties is { } properties)
        {
            Answer.RawFinish = properties.TryGetValue("finish_reason", out var raw) && raw is string r ? r : Answer.RawFinish;
            Answer.StopSequence = properties.TryGetValue("stop_sequence", out var stop) && stop is string s ? s : Answer.StopSequence;
        }
    }

    /// <summary>The answer ended well: closes what is open and writes the end (or the whole body).</summary>
    public void Complete()
    {
        CloseOpen();
        OnComplete();
    }

    /// <summary>The provider failed after the answer started: the client's in-stream error event.</summary>
    public abstract void Fail(ProviderException error);

    protected virtual void OnOpen(AnswerPart part)
    {
    }

    protected virtual void OnTextDelta(TextPart part, string delta)
    {
    }

    protected virtual void OnReasoningDelta(ReasoningPart part, string delta)
    {
    }

    protected virtual void OnClose(AnswerPart part)
    {
    }

    protected abstract void OnToolCall(CallPart part);

    protected abstract void OnComplete();

    /// <summary>The finish reason, inferred when the provider gave none (a tool call means the model wants results).</summary>
    protected ChatFinishReason FinishReason => Answer.Finish ?? (Answer.HasToolCalls ? ChatFinishReason.ToolCalls : ChatFinishReason.Stop);

    private void Reasoning(TextReasoningContent reasoning)
    {
        var itemId = reasoning.AdditionalProperties?.TryGetValue(ReasoningOrigin.ItemIdKey, out var id) == true ? id?.ToString() : null;
        if (reasoning.Text.Length > 0)
        {
            var part = _open is ReasoningPart { Data: null } open ? open : Open(new ReasoningPart { ItemId = itemId });
            part.Text.Append(reasoning.Text);
            OnReasoningDelta(part, reasoning.Text);
        }

        if (reasoning.ProtectedData is { Length: > 0 } data)
        {
            // Data ends a reasoning part: a signature closes a thinking block, encrypted reasoning closes its item.
            var redacted = reasoning.AdditionalProperties?.TryGetValue("redacted", out var flag) == true && flag is true;
            if (_open is ReasoningPart { Data: null } open && !redacted)
            {
                open.Data = data;
                open.ItemId ??= itemId;
            }
            else
            {
                Open(new ReasoningPart { Data = data, ItemId = itemId, Redacted = redacted });
            }

            CloseOpen();
        }
    }

    private T Open<T>(T part)
        where T : AnswerPart
    {
        CloseOpen();
        _open = part;
        Answer.Parts.Add(part);
        OnOpen(part);
        return part;
    }

    private void CloseOpen()
    {
        if (_open is { } part)
        {
            _open = null;
            OnClose(part);
        }
    }

    private static string ArgumentsJson(IDictionary<string, object?>? arguments)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer, Maestro.Wire.WireJson.Options))
        {
            Maestro.Providers.Shared.ToolArguments.WriteObject(writer, arguments);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
