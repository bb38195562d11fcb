using System.Text.Json;
using Maestro.Emulator.Scenarios;
using Maestro.Emulator.Sse;
using Microsoft.AspNetCore.Http;

namespace Maestro.Emulator.Hosting;

// The seams between the shared chat pipeline (ChatEndpointHandler) and each provider's folder.
// A provider supplies one implementation of each; everything provider-neutral stays in the pipeline.

/// <summary>Checks a request's credential (and any header the provider requires before it looks at a request).</summary>
internal interface IProviderAuth
{
    AuthOutcome Authenticate(HttpRequest request);
}

/// <param name="Credential">The credential presented, even when rejected (requests are recorded under it).</param>
/// <param name="Error">The provider's error when the request must be refused.</param>
internal readonly record struct AuthOutcome(string? Credential, JsonReply? Error);

/// <summary>The provider's error bodies.</summary>
internal interface IProviderErrors
{
    JsonReply InvalidRequest(string message);

    JsonReply ModelNotFound(string model);

    /// <summary>The reply to a status fault (429, 529, 503, 500, 401).</summary>
    JsonReply Fault(EmulatorFault fault, int retryAfterSeconds, string model);

    JsonReply UnknownPath(string path);
}

/// <summary>How a provider reports an account's quota: headers on every chat answer, and its 429 when the quota is used up.</summary>
internal interface IQuotaReporter
{
    /// <summary>Adds the provider's rate-limit headers for <paramref name="quota"/> to the response (before it starts).</summary>
    void WriteHeaders(HttpContext context, EmulatedQuota quota, DateTimeOffset now);

    /// <summary>The provider's refusal while the quota is used up.</summary>
    JsonReply Exhausted(HttpContext context, EmulatedQuota quota, DateTimeOffset now, string model);
}

/// <summary>The models a provider lists and accepts.</summary>
internal interface IModelCatalog
{
    /// <summary>True when <paramref name="requested"/> is a listed model or one of its aliases.</summary>
    bool TryResolve(string requested, out CatalogModel model);
}

/// <param name="WireName">The name the provider echoes in answers (Anthropic and OpenAI answer with the dated snapshot).</param>
/// <param name="Thinks">A reasoning model: OpenAI emits a reasoning item, Gemini signs function calls.</param>
internal readonly record struct CatalogModel(string WireName, bool Thinks);

/// <summary>Reads a provider request body into a <see cref="ChatRequest"/>.</summary>
internal interface IChatRequestReader
{
    /// <summary>Null with <paramref name="error"/> set when the request is invalid (answered with the provider's 400).</summary>
    ChatRequest? Read(HttpContext context, ReadOnlyMemory<byte> body, JsonElement root, string? credential, out string? error);

    /// <summary>The model named by a request that could not be read, for the request log.</summary>
    string? PeekModel(HttpContext context, JsonElement? root);
}

/// <summary>Renders a planned answer in one API's wire format.</summary>
internal interface IWireRenderer
{
    SseFraming Framing(HttpRequest request);

    IEnumerable<WireEvent> Stream(AnswerPlan plan, RenderInput input);

    byte[] Complete(AnswerPlan plan, RenderInput input);
}

/// <param name="WireModel">The model name to echo.</param>
/// <param name="Thinks">Whether the model reasons (see <see cref="CatalogModel.Thinks"/>).</param>
internal sealed record RenderInput(ChatRequest Request, string WireModel, bool Thinks, DateTimeOffset Now);
