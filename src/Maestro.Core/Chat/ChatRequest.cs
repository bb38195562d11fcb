using Maestro.Core.Auths;
using Maestro.Core.Errors;
using Maestro.Core.Providers;
using Microsoft.Extensions.AI;

namespace Maestro.Core.Chat;

/// <summary>A one-off chat (no session): validated before any provider call, so bad input costs nothing.</summary>
/// <param name="Attachments">Images and text files sent with the prompt (<see cref="Conversations.Attachments.AttachedFiles"/>).</param>
public sealed record ChatRequest(AuthRef Auth, string? Model, string? System, string Prompt, IList<AIContent>? Attachments = null)
{
    public (List<ChatMessage> Messages, ChatOptions Options) Build(ProviderDescriptor provider)
    {
        var errors = new FieldErrors();
        if (string.IsNullOrWhiteSpace(Prompt) && Attachments is not { Count: > 0 })
        {
            errors.Add("prompt", "The prompt is empty.");
        }

        var model = string.IsNullOrWhiteSpace(Model) ? provider.DefaultModel : Model.Trim();
        if (model is null)
        {
            errors.Add("model", $"No model given and {provider.Id} has no default; list them with `maestro models {Auth}`.");
        }

        errors.ThrowIfAny();
        Conversations.Attachments.AttachedFiles.Check(Attachments, provider);
        var options = new ChatOptions { ModelId = model, Instructions = string.IsNullOrWhiteSpace(System) ? null : System };
        List<AIContent> contents = string.IsNullOrWhiteSpace(Prompt) ? [] : [new TextContent(Prompt)];
        contents.AddRange(Attachments ?? []);
        return ([new ChatMessage(ChatRole.User, contents)], options);
    }
}
