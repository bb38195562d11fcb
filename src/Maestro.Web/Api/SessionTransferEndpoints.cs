using System.Text;
using Maestro.Core.Conversations.Transfer;
using Maestro.Core.Errors;
using Maestro.Core.Sessions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Maestro.Web.Api;

/// <summary>
/// Conversations out and in: GET /api/sessions/{session}/export?format=json|md, and POST /api/sessions/import with an
/// export as the body (?name= and ?auth= to override the exported ones). The browser's buttons use the same routes.
/// </summary>
public static class SessionTransferEndpoints
{
    public static IEndpointRouteBuilder MapSessionTransferApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/sessions/{session}/export", async (string session, string? format, SessionService sessions, SessionExporter exporter, CancellationToken ct) =>
        {
            var kind = (format ?? "json").Trim().ToLowerInvariant();
            if (kind is not ("json" or "md" or "markdown"))
            {
                throw new ValidationFailedException("format", $"'{format}' is not an export format: use json or md.");
            }

            var s = await sessions.GetAsync(session, ct);
            var document = await exporter.ExportAsync(s, ct);
            return kind == "json"
                ? Results.File(Encoding.UTF8.GetBytes(SessionExporter.ToJson(document)), "application/json", $"{s.Name}.maestro.json")
                : Results.File(Encoding.UTF8.GetBytes(MarkdownTranscript.Render(document)), "text/markdown; charset=utf-8", $"{s.Name}.md");
        });

        app.MapPost("/api/sessions/import", async (string? name, string? auth, HttpRequest request, SessionImporter importer, SessionViews views, CancellationToken ct) =>
        {
            var body = await ReadBodyAsync(request.Body, ct);
            var session = await importer.ImportAsync(body, name, auth, ct);
            return Results.Created($"/api/sessions/{session.Id}", await views.CreateAsync(session, ct));
        }).DisableAntiforgery();

        return app;
    }

    /// <summary>The body, refused past the import limit without reading it all.</summary>
    internal static async Task<ReadOnlyMemory<byte>> ReadBodyAsync(Stream body, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, ct)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > SessionImporter.MaxBytes)
            {
                throw new ValidationFailedException("file", $"The export is larger than {SessionImporter.MaxBytes / (1024 * 1024)} MB, the most that can be imported.");
            }
        }

        if (buffer.Length == 0)
        {
            throw new ValidationFailedException("file", "The request body is empty: send a Maestro export (JSON) as the body.");
        }

        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }
}
