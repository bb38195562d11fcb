using System.Globalization;
using System.Text;
using System.Text.Json;
using Maestro.Emulator.Hosting;
using Maestro.Wire;
using Microsoft.AspNetCore.Http;

namespace Maestro.Emulator.Gemini;

/// <summary>
/// <c>GET /v1beta/models</c> with Google's page-token pagination (<c>pageSize</c> default 50, at most 1000;
/// <c>pageToken</c>; <c>nextPageToken</c> only while more pages remain) and <c>GET /v1beta/models/{model}</c>.
/// </summary>
internal sealed class GeminiModelList(GeminiErrors errors)
{
    private const int DefaultPageSize = 50;
    private const int MaxPageSize = 1000;

    public JsonReply List(HttpRequest request)
    {
        var models = GeminiModels.All;
        var pageSize = DefaultPageSize;
        var sizeText = request.Query["pageSize"].ToString();
        if (sizeText.Length > 0)
        {
            if (!int.TryParse(sizeText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out pageSize) || pageSize < 0)
            {
                return errors.InvalidRequest("Invalid value for pageSize: must be a non-negative integer.");
            }

            // Google treats 0 as "the default" and clamps large sizes.
            pageSize = pageSize == 0 ? DefaultPageSize : Math.Min(pageSize, MaxPageSize);
        }

        var start = 0;
        var token = request.Query["pageToken"].ToString();
        if (token.Length > 0)
        {
            var after = DecodeToken(token);
            start = after is null ? -1 : models.ToList().FindIndex(m => m.Name == after) + 1;
            if (start <= 0)
            {
                return errors.InvalidRequest("Invalid page token.");
            }
        }

        var page = models.Skip(start).Take(pageSize).ToList();
        var more = start + page.Count < models.Count;
        var body = WireJson.Once(
            w =>
            {
                w.WriteStartObject();
                w.WriteStartArray("models");
                foreach (var model in page)
                {
                    WriteModel(w, model);
                }

                w.WriteEndArray();
                if (more)
                {
                    w.WriteString("nextPageToken", EncodeToken(page[^1].Name));
                }

                w.WriteEndObject();
            },
            indented: true);
        return new JsonReply(200, body, GeminiErrors.ContentType);
    }

    public JsonReply Get(string name)
    {
        var model = GeminiModels.All.FirstOrDefault(m => m.Id == name || m.Name == name);
        return model is null
            ? errors.UnknownPath("models/" + name)
            : new JsonReply(200, WireJson.Once(w => WriteModel(w, model), indented: true), GeminiErrors.ContentType);
    }

    /// <summary>Opaque to clients, like Google's: base64url of the last model name of the previous page.</summary>
    private static string EncodeToken(string lastName) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(lastName)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string? DecodeToken(string token)
    {
        var base64 = token.Replace('-', '+').Replace('_', '/');
        base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(base64));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static void WriteModel(Utf8JsonWriter w, GeminiModel model)
    {
        w.WriteStartObject();
        w.WriteString("name", model.Name);
        w.WriteString("version", model.Version);
        w.WriteString("displayName", model.DisplayName);
        w.WriteString("description", model.Description);
        w.WriteNumber("inputTokenLimit", model.InputTokenLimit);
        w.WriteNumber("outputTokenLimit", model.OutputTokenLimit);
        w.WriteStartArray("supportedGenerationMethods");
        foreach (var method in model.Methods)
        {
            w.WriteStringValue(method);
        }

        w.WriteEndArray();
        if (model.Methods.Contains("generateContent"))
        {
            w.WriteNumber("temperature", 1);
            w.WriteNumber("topP", 0.95);
            w.WriteNumber("topK", 64);
            w.WriteNumber("maxTemperature", 2);
            if (model.Thinks)
            {
                w.WriteBoolean("thinking", true);
            }
        }

        w.WriteEndObject();
    }
}
