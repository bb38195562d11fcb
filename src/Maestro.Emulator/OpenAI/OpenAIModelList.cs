using System.Text.Json;
using Maestro.Emulator.Hosting;
using Maestro.Wire;
using Microsoft.AspNetCore.Http;

namespace Maestro.Emulator.OpenAI;

/// <summary><c>GET /v1/models</c> (<c>{"object":"list","data":[…]}</c>, unpaginated like the real one) and <c>GET /v1/models/{id}</c>.</summary>
internal sealed class OpenAIModelList
{
    public JsonReply List(HttpRequest request) => new(200, WireJson.Once(w =>
    {
        w.WriteStartObject();
        w.WriteString("object", "list");
        w.WriteStartArray("data");
        foreach (var model in OpenAIModels.All)
        {
            WriteModel(w, model.Alias, model.Created);
            WriteModel(w, model.Snapshot, model.Created);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }));

    public JsonReply Get(string id)
    {
        var model = OpenAIModels.All.FirstOrDefault(m => m.Alias == id || m.Snapshot == id);
        if (model is null)
        {
            return new JsonReply(404, WireJson.Once(w =>
            {
                w.WriteStartObject();
                w.WriteStartObject("error");
                w.WriteString("message", $"The model '{id}' does not exist");
                w.WriteString("type", "invalid_request_error");
                w.WriteString("param", "model");
                w.WriteString("code", "model_not_found");
                w.WriteEndObject();
                w.WriteEndObject();
            }));
        }

        return new JsonReply(200, WireJson.Once(w => WriteModel(w, id, model.Created)));
    }

    private static void WriteModel(Utf8JsonWriter w, string id, long created)
    {
        w.WriteStartObject();
        w.WriteString("id", id);
        w.WriteString("object", "model");
        w.WriteNumber("created", created);
        w.WriteString("owned_by", "system");
        w.WriteEndObject();
    }
}
