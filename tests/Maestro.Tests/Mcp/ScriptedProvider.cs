using System.Runtime.CompilerServices;
using Maestro.Core.Auths;
using Maestro.Core.Providers;
using Microsoft.Extensions.AI;

namespace Maestro.Tests.Mcp;

/// <summary>
/// A provider whose model answers from a script, one list of updates per round, and remembers what it was sent: enough
/// to drive a real turn (context, tool calls, the MCP tool, the result fed back) without a provider adapter.
/// </summary>
public sealed class ScriptedProvider : IProvider
{
    public const string Id = "scripted";

    private readonly Queue<ChatResponseUpdate[]> _rounds = new();

    public ProviderDescriptor Descriptor { get; } = new(
        Id, "Scripted (tests)", [AuthType.ApiKey], new HashSet<string> { ProviderFeatures.Streaming, ProviderFeatures.Tools }, new Uri("http://127.0.0.1:9/"));

    /// <summary>What each round was sent: the messages and the tool declarations.</summary>
    public List<(IReadOnlyList<ChatMessage> Messages, IList<AITool>? Tools)> Requests { get; } = [];

    public void Enqueue(params ChatResponseUpdate[] round) => _rounds.Enqueue(round);

    public static ChatResponseUpdate Call(string callId, string name, IDictionary<string, object?> arguments) =>
        new(ChatRole.Assistant, [new FunctionCallContent(callId, name, arguments)]) { FinishReason = ChatFinishReason.ToolCalls };

    public static ChatResponseUpdate Text(string text) => new(ChatRole.Assistant, text) { FinishReason = ChatFinishReason.Stop };

    public IChatClient CreateChatClient(ProviderConnection connection) => new Client(this);

    public Task<IReadOnlyList<ModelInfo>> ListModelsAsync(ProviderConnection connection, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ModelInfo>>([]);

    private sealed class Client(ScriptedProvider provider) : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException("The scripted provider only streams.");

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
            IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            lock (provider._rounds)
            {
                provider.Requests.Add(([.. messages], options?.Tools));
            }

            ChatResponseUpdate[] round;
            lock (provider._rounds)
            {
                round = provider._rounds.Count > 0 ? provider._rounds.Dequeue() : [Text("(no more script)")];
            }

            foreach (var update in round)
            {
                await Task.Yield();
                yield return update;
            }

            yield return new ChatResponseUpdate(ChatRole.Assistant, [new UsageContent(new UsageDetails { InputTokenCount = 10, OutputTokenCount = 5 })]);
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
