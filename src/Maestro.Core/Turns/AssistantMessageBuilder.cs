using System.Text;
using Microsoft.Extensions.AI;

namespace Maestro.Core.Turns;

/// <summary>
/// Accumulates a streamed answer into the contents of one message, in order: text and reasoning deltas are joined into
/// blocks, replay data (signatures, encrypted reasoning) attaches to the reasoning block it belongs to, tool calls are
/// kept as they come. Called per token, so it appends to builders and allocates nothing else.
/// </summary>
public sealed class AssistantMessageBuilder
{
    private readonly List<AIContent> _closed = [];
    private readonly StringBuilder _open = new();
    private OpenKind _openKind;
    private string? _openProtectedData;
    private AdditionalPropertiesDictionary? _openProperties;

    private enum OpenKind
    {
        None,
        Text,
        Reasoning,
    }

    public UsageDetails? Usage { get; private set; }

    public ErrorContent? Error { get; private set; }

    public ChatFinishReason? FinishReason { get; private set; }

    public string? ModelId { get; private set; }

    public string? ResponseId { get; private set; }

    /// <summary>Whether any answer content (text, reasoning or a call) arrived; the first one marks first-token time.</summary>
    public bool HasContent { get; private set; }

    public int FunctionCallCount { get; private set; }

    public void Add(ChatResponseUpdate update)
    {
        ModelId ??= update.ModelId;
        ResponseId ??= update.ResponseId;
        if (update.FinishReason is { } finish)
        {
            FinishReason = finish;
        }

        var contents = update.Contents;
        for (var i = 0; i < contents.Count; i++)
        {
            Add(contents[i]);
        }
    }

    /// <summary>The contents so far, open blocks included (a copy, for saving partial progress).</summary>
    public List<AIContent> Snapshot()
    {
        var result = new List<AIContent>(_closed.Count + 1);
        result.AddRange(_closed);
        if (_openKind != OpenKind.None)
        {
            result.Add(MakeOpen());
        }

        return result;
    }

    /// <summary>The final contents: closes the open block.</summary>
    public List<AIContent> Complete()
    {
        Close();
        return [.. _closed];
    }

    public List<FunctionCallContent> FunctionCalls()
    {
        var calls = new List<FunctionCallContent>(FunctionCallCount);
        foreach (var content in _closed)
        {
            if (content is FunctionCallContent call)
            {
                calls.Add(call);
            }
        }

        return calls;
    }

    /// <summary>The visible text so far (for snapshots sent to a viewer that reconnects).</summary>
    public string Text()
    {
        var text = new StringBuilder();
        foreach (var content in _closed)
        {
            if (content is TextContent t)
            {
                text.Append(t.Text);
            }
        }

        if (_openKind == OpenKind.Text)
        {
            text.Append(_open);
        }

        return text.ToString();
    }

    private void Add(AIContent content)
    {
        switch (content)
        {
            case TextContent text:
                if (text.Text.Length == 0)
                {
                    return;
                }

                HasContent = true;
                if (_openKind != OpenKind.Text)
                {
                    Close();
                    _openKind = OpenKind.Text;
                }

                _open.Append(text.Text);
                break;

            case TextReasoningContent reasoning:
                if (reasoning.Text.Length == 0 && reasoning.ProtectedData is null && reasoning.AdditionalProperties is null)
                {
                    return;
                }

                HasContent = true;
                // A block ends when its replay data (signature, encrypted reasoning) has arrived: what follows is new.
                if (_openKind != OpenKind.Reasoning || (_openProtectedData is not null && (reasoning.ProtectedData is not null || reasoning.Text.Length > 0)))
                {
                    Close();
                    _openKind = OpenKind.Reasoning;
                }

                _open.Append(reasoning.Text);
                _openProtectedData ??= reasoning.ProtectedData;
                _openProperties ??= reasoning.AdditionalProperties;
                break;

            case FunctionCallContent call:
                HasContent = true;
                Close();
                _closed.Add(call);
                FunctionCallCount++;
                break;

            case UsageContent usage:
                Usage = usage.Details;
                break;

            case ErrorContent error:
                Error = error;
                break;

            default:
                // Other contents (citations, hosted tool results) are kept as they are, in order.
                Close();
                _closed.Add(content);
                break;
        }
    }

    private AIContent MakeOpen()
    {
        if (_openKind == OpenKind.Text)
        {
            return new TextContent(_open.ToString());
        }

        return new TextReasoningContent(_open.ToString()) { ProtectedData = _openProtectedData, AdditionalProperties = _openProperties };
    }

    private void Close()
    {
        if (_openKind != OpenKind.None)
        {
            _closed.Add(MakeOpen());
            _open.Clear();
            _openKind = OpenKind.None;
            _openProtectedData = null;
            _openProperties = null;
        }
    }
}
