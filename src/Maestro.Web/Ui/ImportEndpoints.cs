using Maestro.Core.Auths;
using Maestro.Core.Conversations.Transfer;
using Maestro.Core.Errors;
using Maestro.Web.Components.Sessions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Maestro.Web.Ui;

/// <summary>The import form: a JSON export uploaded from the dashboard becomes a new session, which the page then opens.</summary>
public static class ImportEndpoints
{
    public static RouteGroupBuilder MapImportUi(this RouteGroupBuilder ui)
    {
        ui.MapPost("/import", async (IFormCollection form, HttpContext http, SessionImporter importer, AuthService auths, FragmentRenderer renderer, CancellationToken ct) =>
        {
            var name = form["name"].ToString();
            var auth = form["auth"].ToString();
            try
            {
                if (form.Files.GetFile("file") is not { Length: > 0 } file)
                {
                    throw new ValidationFailedException("file", "Choose a JSON export file (Export JSON on a session, or `maestro session export NAME --format json`).");
                }

                if (file.Length > SessionImporter.MaxBytes)
                {
                    throw new ValidationFailedException("file", $"The file is larger than {SessionImporter.MaxBytes / (1024 * 1024)} MB, the most that can be imported.");
                }

                await using var stream = file.OpenReadStream();
                var bytes = await Api.SessionTransferEndpoints.ReadBodyAsync(stream, ct);
                var session = await importer.ImportAsync(bytes, name, auth, ct);
                http.Response.Headers["HX-Redirect"] = $"/sessions/{Uri.EscapeDataString(session.Name)}";
                return ChatEndpoints.Html("");
            }
            catch (Exception ex) when (UiErrors.IsUserError(ex))
            {
                var list = (await auths.ListAsync(null, ct)).Select(a => a.Ref.ToString()).ToList();
                return ChatEndpoints.Html(await renderer.RenderAsync<ImportForm>(new Dictionary<string, object?>
                {
                    ["Auths"] = list,
                    ["Name"] = name,
                    ["Auth"] = auth,
                    ["Errors"] = UiErrors.Fields(ex, "file"),
                }));
            }
        });
        return ui;
    }
}
