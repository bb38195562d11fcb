using System.Globalization;
using System.Text.Json;
using Maestro.Emulator.Hosting;
using Maestro.Wire;
using Microsoft.AspNetCore.Http;

namespace Maestro.Emulator.Anthropic;

/// <summary>
/// <c>GET /v1/models</c> with Anthropic's cursor pagination (<c>limit</c> 1–1000, default 20; <c>after_id</c>,
/// <c>before_id</c>; answer <c>data</c>, <c>has_more</c>, <c>first_id</c>, <c>last_id</c>) and <c>GET /v1/models/{id}</c>.
/// </summary>
internal sealed class AnthropicModelList(AnthropicErrors errors)
{
    private const int DefaultLimit = 20;

    public JsonReply List(HttpRequest request)
    {
        var models = AnthropicModels.All;
        var limitText = request.Query["limit"].ToString();
        var limit = DefaultLimit;
        if (limitText.Length > 0 && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > 1000))
        {
            return errors.InvalidRequest("limit: Input should be a valid integer between 1 and 1000");
        }

        var afterId = request.Query["after_id"].ToString();
        var beforeId = request.Query["before_id"].ToString();
        int start, end;
        bool hasMore;
        if (afterId.Length > 0)
        {
            var after = IndexOf(afterId);
            if (after < 0)
            {
                return errors.InvalidRequest($"after_id: no model with id '{afterId}'");
            }

            start = after + 1;
            end = Math.Min(models.Count, start + limit);
            hasMore = end < models.Count;
        }
        else if (beforeId.Length > 0)
        {
            end = IndexOf(beforeId);
            if (end < 0)
            {
                return errors.InvalidRequest($"before_id: no model with id '{beforeId}'");
            }

            start = Math.Max(0, end - limit);
            hasMore = start > 0;
        }
        else
        {
            start = 0;
            end = Math.Min(models.Count, limit);
            hasMore = end < models.Count;
        }

        var page = models.Skip(start).Take(end - start).ToList();
        var body = WireJson.Once(w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("data");
            foreach (var model in page)
            {
                WriteModel(w, model);
            }

            w.WriteEndArray();
            w.WriteBoolean("has_more", hasMore);
            WriteIdOrNull(w, "first_id", page.Count > 0 ? page[0].Id : null);
            WriteIdOrNull(w, "last_id", page.Count > 0 ? page[^1].Id : null);
            w.WriteEndObject();
        });
        return new JsonReply(200, body);
    }

    public JsonReply Get(HttpRequest request, string id)
    {
        var model = AnthropicModels.All.FirstOrDefault(m => m.Matches(id));
        return model is null ? errors.ModelNotFound(id) : new JsonReply(200, WireJson.Once(w => WriteModel(w, model)));
    }

    private static int IndexOf(string id)
    {
        var models = AnthropicModels.All;
        for (var i = 0; i < models.Count; i++)
        {
            if (models[i].Id == id)
            {
                return i;
            }
        }

        return -1;
    }

    private static void WriteModel(Utf8JsonWriter w, AnthropicModel model)
    {
        w.WriteStartObject();
        w.WriteString("type", "model");
        w.WriteString("id", model.Id);
        w.WriteString("display_name", model.DisplayName);
        w.WriteString("created_at", model.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        w.WriteEndObject();
    }

    private static void WriteIdOrNull(Utf8JsonWriter w, string name, string? id)
    {
        if (id is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, id);
        }
    }
}
