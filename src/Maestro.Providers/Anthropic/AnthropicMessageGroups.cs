using Microsoft.Extensions.AI;

namespace Maestro.Providers.Anthropic;

/// <summary>Consecutive history messages that become one wire message (the API expects user and assistant turns).</summary>
internal sealed record AnthropicMessageGroup(bool IsAssistant, List<int> Indices);

internal static class AnthropicMessageGroups
{
    /// <summary>
    /// Groups the non-system messages by wire role: tool messages become user messages, and consecutive messages of
    /// the same role merge (parallel tool results arrive as several tool messages but belong in one user message).
    /// Messages with nothing to send (only usage, say) are left out so no message has empty content.
    /// </summary>
    public static List<AnthropicMessageGroup> Build(IReadOnlyList<ChatMessage> history)
    {
        var groups = new List<AnthropicMessageGroup>();
        for (var i = 0; i < history.Count; i++)
        {
            var message = history[i];
            if (message.Role == ChatRole.System)
            {
                continue;
            }

            var assistant = message.Role == ChatRole.Assistant;
            if (!AnthropicMessageWriter.HasBlocks(message, assistant))
            {
                continue;
            }

            if (groups.Count > 0 && groups[^1].IsAssistant == assistant)
            {
                groups[^1].Indices.Add(i);
            }
            else
            {
                groups.Add(new AnthropicMessageGroup(assistant, [i]));
            }
        }

        return groups;
    }
}
