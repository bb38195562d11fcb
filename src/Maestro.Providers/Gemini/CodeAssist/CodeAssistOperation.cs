using System.Text.Json;

namespace Maestro.Providers.Gemini.CodeAssist;

/// <summary>
/// onboardUser's long-running operation: <c>{"name", "done", "response": {"cloudaicompanionProject": {"id", "name"}},
/// "error": {"code", "message"}}</c>, polled with <c>GET /v1internal/{name}</c> until <c>done</c>.
/// </summary>
internal sealed record CodeAssistOperation(string? Name, bool Done, string? ProjectId, string? ErrorMessage)
{
    /// <exception cref="JsonException">The body is not a JSON object.</exception>
    public static CodeAssistOperation Parse(byte[] body)
    {
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException("the onboarding operation is not a JSON object");
        }

        string? project = null;
        if (root.TryGetProperty("response", out var response) && response.ValueKind == JsonValueKind.Object)
        {
            project = CodeAssistJson.Project(response, "cloudaicompanionProject");
        }

        string? error = null;
        if (root.TryGetProperty("error", out var failure) && failure.ValueKind == JsonValueKind.Object)
        {
            error = CodeAssistJson.String(failure, "message") ?? failure.GetRawText();
        }

        return new CodeAssistOperation(CodeAssistJson.String(root, "name"), CodeAssistJson.True(root, "done"), project, error);
    }
}
