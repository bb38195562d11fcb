using Maestro.Core.Auths;
using Maestro.Core.Errors;
using Maestro.Core.Providers;
using Microsoft.Extensions.AI;

namespace Maestro.Core.Chat;

/// <summary>A one-off chat (no session): validated before any provider call, so bad input costs nothing.</summary>
public sealed record ChatRequest(AuthRef Auth, string? Model, string? System, string Prompt)
{
    public (List<ChatMessage> Messages, ChatOptions Options) Build(ProviderDescriptor provider)
    {
        var errors = new FieldErrors();
        if (string.IsNullOrWhiteSpace(Prompt))
        {
            errors.Add("prompt", "The prompt is empty.");
        }

        var model = string.IsNullOrWhiteSpace(Model) ? provider.DefaultModel : Model.Trim();
        if (model is null)
        {
            errors.Add("model", $"No model given and {provider.Id} has no default; list them with `maestro models {Auth}`.");
        }

        errors.ThrowIfAny();
        var options = new ChatOptions { ModelId = model, Instructions = string.IsNullOrWhiteSpace(System) ? null : System };
        return ([new ChatMessage(ChatRole.User, Prompt)], options);
    }
}
