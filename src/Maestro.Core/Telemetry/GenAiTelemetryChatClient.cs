using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.AI;

namespace Maestro.Core.Telemetry;

/// <summary>
/// Reports each provider call as OpenTelemetry GenAI telemetry: a <c>chat {model}</c> client span (operation,
/// provider, request and response model, token usage, finish reasons, the auth by name) and the
/// <c>gen_ai.client.*</c> metrics (token usage, duration, time to first chunk). Prompt and answer text are added only
/// when <see cref="CaptureContent"/> is on (OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true).
/// </summary>
/// <remarks>
/// Maestro's own rather than Microsoft.Extensions.AI's <c>OpenTelemetryChatClient</c>: that one keeps every streamed
/// update until the end and re-sets <c>Activity.Current</c> after each, costing memory and allocations per token even
/// when nothing listens, and it cannot name the auth. Here a call that nothing observes is passed straight through,
/// and an observed stream costs no allocation per update.
/// </remarks>
public sealed class GenAiTelemetryChatClient : DelegatingChatClient
{
    private readonly MaestroMetrics _metrics;
    private readonly string _auth;
    private readonly string _provider;
    private readonly string? _serverAddress;
    private readonly int _serverPort;

    public GenAiTelemetryChatClient(IChatClient innerClient, MaestroMetrics metrics, string auth)
        : base(innerClient)
    {
        _metrics = metrics;
        _auth = auth;
        var metadata = innerClient.GetService<ChatClientMetadata>();
        _provider = metadata?.ProviderName ?? "unknown";
        _serverAddress = metadata?.ProviderUri?.Host;
        _serverPort = metadata?.ProviderUri?.Port ?? 0;
    }

    /// <summary>Record prompt and answer text on the spans (off by default: they may hold anything).</summary>
    public bool CaptureContent { get; set; }

    private bool Observed => MaestroTelemetry.Source.HasListeners() || _metrics.GenAiEnabled;

    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (!Observed)
        {
            return await base.GetResponseAsync(messages, options, cancellationToken);
        }

        var call = new Call(this, options, messages, streaming: false);
        try
        {
            var response = await base.GetResponseAsync(messages, options, cancellationToken);
            call.Observe(response);
            return response;
        }
        catch (Exception ex)
        {
            call.Fail(ex);
            throw;
        }
        finally
        {
            call.End();
        }
    }

    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        Observed
            ? ObserveAsync(messages, options, cancellationToken)
            : base.GetStreamingResponseAsync(messages, options, cancellationToken);

    private async IAsyncEnumerable<ChatResponseUpdate> ObserveAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var call = new Call(this, options, messages, streaming: true);
        IAsyncEnumerator<ChatResponseUpdate>? updates = null;
        try
        {
            updates = base.GetStreamingResponseAsync(messages, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
            while (true)
            {
                try
                {
                    if (!await updates.MoveNextAsync())
                    {
                        break;
                    }
                }
                catch (Exception ex)
                {
                    call.Fail(ex);
                    throw;
                }

                call.Observe(updates.Current);
                yield return updates.Current;
            }
        }
        finally
        {
            call.End();
            if (updates is not null)
            {
                await updates.DisposeAsync();
            }
        }
    }

    /// <summary>One observed call: its span, its clock, and what the answer said about itself.</summary>
    private sealed class Call
    {
        private readonly GenAiTelemetryChatClient _owner;
        private readonly Activity? _activity;
        private readonly string? _requestModel;
        private readonly long _started = Stopwatch.GetTimestamp();
        private readonly bool _streaming;
        private readonly StringBuilder? _text;
        private List<FunctionCallContent>? _calls;
        private long _firstChunk;
        private string? _responseModel;
        private string? _responseId;
        private string? _finishReason;
        private UsageDetails? _usage;
        private string? _error;

        public Call(GenAiTelemetryChatClient owner, ChatOptions? options, IEnumerable<ChatMessage> messages, bool streaming)
        {
            _owner = owner;
            _streaming = streaming;
            _requestModel = options?.ModelId;
            _activity = MaestroTelemetry.Source.StartActivity(
                _requestModel is null ? GenAiAttributes.Chat : $"{GenAiAttributes.Chat} {_requestModel}", ActivityKind.Client);
            if (_activity is not { IsAllDataRequested: true } activity)
            {
                return;
            }

            activity.SetTag(GenAiAttributes.OperationName, GenAiAttributes.Chat)
                .SetTag(GenAiAttributes.ProviderName, owner._provider)
                .SetTag(GenAiAttributes.RequestModel, _requestModel)
                .SetTag(GenAiAttributes.Auth, owner._auth);
            if (owner._serverAddress is { } address)
            {
                activity.SetTag(GenAiAttributes.ServerAddress, address).SetTag(GenAiAttributes.ServerPort, owner._serverPort);
            }

            if (options is not null)
            {
                activity.SetTag(GenAiAttributes.RequestMaxTokens, options.MaxOutputTokens)
                    .SetTag(GenAiAttributes.RequestTemperature, options.Temperature)
                    .SetTag(GenAiAttributes.RequestTopP, options.TopP)
                    .SetTag(GenAiAttributes.ConversationId, options.ConversationId);
            }

            if (owner.CaptureContent)
            {
                _text = new StringBuilder();
                if (options?.Instructions is { Length: > 0 } instructions)
                {
                    activity.SetTag(GenAiAttributes.SystemInstructions, GenAiMessagesJson.Instructions(instructions));
                }

                activity.SetTag(GenAiAttributes.InputMessages, GenAiMessagesJson.Input(messages));
            }
        }

        public void Observe(ChatResponseUpdate update)
        {
            var contents = update.Contents;
            for (var i = 0; i < contents.Count; i++)
            {
                switch (contents[i])
                {
                    case UsageContent usage:
                        _usage = usage.Details;
                        break;
                    case ErrorContent error:
                        _error = error.ErrorCode ?? "error";
                        break;
                    case TextContent text:
                        FirstChunk();
                        _text?.Append(text.Text);
                        break;
                    case TextReasoningContent:
                        FirstChunk();
                        break;
                    case FunctionCallContent call:
                        FirstChunk();
                        if (_text is not null)
                        {
                            (_calls ??= []).Add(call);
                        }

                        break;
                    default:
                        break;
                }
            }

            _responseModel = update.ModelId ?? _responseModel;
            _responseId = update.ResponseId ?? _responseId;
            _finishReason = update.FinishReason?.Value ?? _finishReason;
        }

        public void Observe(ChatResponse response)
        {
            _responseModel = response.ModelId;
            _responseId = response.ResponseId;
            _finishReason = response.FinishReason?.Value;
            _usage = response.Usage;
            if (_text is not null)
            {
                _text.Append(response.Text);
                foreach (var message in response.Messages)
                {
                    foreach (var content in message.Contents)
                    {
                        if (content is FunctionCallContent call)
                        {
                            (_calls ??= []).Add(call);
                        }
                    }
                }
            }
        }

        public void Fail(Exception ex) => _error = ex is OperationCanceledException ? "cancelled" : ex.GetType().FullName;

        public void End()
        {
            var metrics = _owner._metrics;
            var elapsed = Stopwatch.GetElapsedTime(_started).TotalSeconds;
            if (metrics.GenAiEnabled)
            {
                var tags = MaestroMetrics.CallTags(_owner._provider, _requestModel, _responseModel, _owner._auth, _error);
                metrics.OperationDuration.Record(elapsed, tags);
                if (_streaming && _firstChunk != 0)
                {
                    metrics.TimeToFirstChunk.Record(Stopwatch.GetElapsedTime(_started, _firstChunk).TotalSeconds, tags);
                }

                if (_usage?.InputTokenCount is { } input)
                {
                    var inputTags = tags;
                    inputTags.Add(GenAiAttributes.TokenType, "input");
                    metrics.TokenUsage.Record(input, inputTags);
                }

                if (_usage?.OutputTokenCount is { } output)
                {
                    tags.Add(GenAiAttributes.TokenType, "output");
                    metrics.TokenUsage.Record(output, tags);
                }
            }

            if (_activity is not { } activity)
            {
                return;
            }

            if (activity.IsAllDataRequested)
            {
                activity.SetTag(GenAiAttributes.ResponseModel, _responseModel)
                    .SetTag(GenAiAttributes.ResponseId, _responseId)
                    .SetTag(GenAiAttributes.InputTokens, _usage?.InputTokenCount)
                    .SetTag(GenAiAttributes.OutputTokens, _usage?.OutputTokenCount)
                    .SetTag(GenAiAttributes.CacheReadInputTokens, _usage?.CachedInputTokenCount)
                    .SetTag(GenAiAttributes.ReasoningOutputTokens, _usage?.ReasoningTokenCount);
                if (_finishReason is not null)
                {
                    activity.SetTag(GenAiAttributes.ResponseFinishReasons, new[] { _finishReason });
                }

                if (_text is not null)
                {
                    activity.SetTag(GenAiAttributes.OutputMessages, GenAiMessagesJson.Output(_text.ToString(), _calls, _finishReason));
                }
            }

            if (_error is not null)
            {
                activity.SetTag(GenAiAttributes.ErrorType, _error).SetStatus(ActivityStatusCode.Error, _error);
            }

            activity.Dispose();
        }

        private void FirstChunk()
        {
            if (_firstChunk == 0)
            {
                _firstChunk = Stopwatch.GetTimestamp();
            }
        }
    }
}
