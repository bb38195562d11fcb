using Maestro.Core.Errors;
using Maestro.Core.Sessions;

namespace Maestro.Core.Prompts;

/// <summary>Reusable system prompts and personas; editing one adds a version, so sessions can pin the text they use.</summary>
public sealed class PromptService(IPromptStore prompts)
{
    public const int MaxContentLength = 200_000;

    public Task<IReadOnlyList<Prompt>> ListAsync(CancellationToken cancellationToken) => prompts.ListAsync(cancellationToken);

    public async Task<Prompt> GetAsync(string name, CancellationToken cancellationToken) =>
        await prompts.FindAsync(name, cancellationToken)
        ?? throw new NotFoundException($"No prompt named '{name}'.", "See `maestro prompt list`.");

    public Task<IReadOnlyList<PromptVersion>> VersionsAsync(Prompt prompt, CancellationToken cancellationToken) =>
        prompts.VersionsAsync(prompt.Id, cancellationToken);

    public async Task<Prompt> CreateAsync(string? name, string? kind, string? description, string? content, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (!SessionNames.IsValid(name))
        {
            errors.Add("name", $"'{name}' is not a valid prompt name: use {SessionNames.Rule}.");
        }

        var parsedKind = kind?.Trim().ToLowerInvariant() switch
        {
            null or "" or "system" => PromptKind.System,
            "persona" => PromptKind.Persona,
            _ => (PromptKind?)null,
        };
        if (parsedKind is null)
        {
            errors.Add("kind", $"'{kind}' is not a kind: use system or persona.");
        }

        ValidateContent(content, errors);
        errors.ThrowIfAny();
        return await prompts.CreateAsync(name!, parsedKind!.Value, string.IsNullOrWhiteSpace(description) ? null : description.Trim(), content!, cancellationToken);
    }

    public async Task<Prompt> AddVersionAsync(string name, string? content, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        ValidateContent(content, errors);
        errors.ThrowIfAny();
        var prompt = await GetAsync(name, cancellationToken);
        return prompt.LatestContent == content ? prompt : await prompts.AddVersionAsync(prompt.Id, content!, cancellationToken);
    }

    public async Task DeleteAsync(string name, CancellationToken cancellationToken)
    {
        var prompt = await GetAsync(name, cancellationToken);
        await prompts.DeleteAsync(prompt.Id, cancellationToken);
    }

    private static void ValidateContent(string? content, FieldErrors errors)
    {
        if (string.IsNullOrWhiteSpace(content))
        {
            errors.Add("content", "The prompt text is empty.");
        }
        else if (content.Length > MaxContentLength)
        {
            errors.Add("content", $"The prompt text is longer than {MaxContentLength:N0} characters.");
        }
    }
}
