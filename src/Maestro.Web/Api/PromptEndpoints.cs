using Maestro.Core.Prompts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Maestro.Web.Api;

/// <summary>/api/prompts: reusable, versioned system prompts and personas.</summary>
public static class PromptEndpoints
{
    public sealed record PromptRequest(string? Name, string? Kind, string? Description, string? Content);

    public static IEndpointRouteBuilder MapPromptApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/prompts");
        group.MapGet("/", async (PromptService prompts, CancellationToken ct) => Results.Ok(await prompts.ListAsync(ct)));
        group.MapPost("/", async (PromptRequest? request, PromptService prompts, CancellationToken ct) =>
        {
            var created = await prompts.CreateAsync(request?.Name, request?.Kind, request?.Description, request?.Content, ct);
            return Results.Created($"/api/prompts/{created.Name}", created);
        });
        group.MapGet("/{name}", async (string name, PromptService prompts, CancellationToken ct) =>
        {
            var prompt = await prompts.GetAsync(name, ct);
            return Results.Ok(new { prompt, versions = await prompts.VersionsAsync(prompt, ct) });
        });
        group.MapPut("/{name}", async (string name, PromptRequest? request, PromptService prompts, CancellationToken ct) =>
            Results.Ok(await prompts.AddVersionAsync(name, request?.Content, ct)));
        group.MapDelete("/{name}", async (string name, PromptService prompts, CancellationToken ct) =>
        {
            await prompts.DeleteAsync(name, ct);
            return Results.NoContent();
        });
        return app;
    }
}
