using System.Globalization;
using Maestro.Emulator.Hosting;
using Maestro.Wire;
using Microsoft.AspNetCore.Http;

namespace Maestro.Emulator.ChatGpt;

/// <summary>
/// <c>GET /models?client_version=X.Y.Z</c>: <c>{"models": [{"slug", "display_name", "description", "context_window",
/// "visibility", "minimal_client_version", "supported_reasoning_levels": [{"effort", "description"}], …}]}</c>, as the
/// Codex CLI reads it. <c>client_version</c> is required (FastAPI's 400); a version older than a model's
/// <c>minimal_client_version</c> hides it, and <c>0.0.0</c> (no client version) hides nothing.
/// </summary>
internal sealed class ChatGptModelList(ChatGptErrors errors)
{
    public JsonReply List(HttpRequest request)
    {
        var text = request.Query["client_version"].ToString();
        if (text.Length == 0)
        {
            return errors.Detail(400, "Field required: query.client_version");
        }

        if (ParseVersion(text) is not { } version)
        {
            return errors.Detail(400, $"Invalid client_version '{text}': expected MAJOR.MINOR.PATCH");
        }

        var ungated = version is [0, 0, 0];
        return new JsonReply(200, WireJson.Once(w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("models");
            foreach (var model in ChatGptModels.All)
            {
                if (!ungated && Compare(version, model.MinimalClientVersion) < 0)
                {
                    continue;
                }

                w.WriteStartObject();
                w.WriteString("slug", model.Slug);
                w.WriteString("display_name", model.DisplayName);
                w.WriteString("description", model.Description);
                w.WriteString("default_reasoning_level", "medium");
                w.WriteStartArray("supported_reasoning_levels");
                foreach (var effort in model.ReasoningLevels)
                {
                    w.WriteStartObject();
                    w.WriteString("effort", effort);
                    w.WriteString("description", effort + " reasoning");
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteString("shell_type", "shell_command");
                w.WriteString("visibility", model.Visibility);
                w.WriteStartArray("minimal_client_version");
                foreach (var part in model.MinimalClientVersion)
                {
                    w.WriteNumberValue(part);
                }

                w.WriteEndArray();
                w.WriteBoolean("supported_in_api", true);
                w.WriteNumber("priority", 1);
                w.WriteNumber("context_window", model.ContextWindow);
                w.WriteBoolean("supports_reasoning_summaries", true);
                w.WriteBoolean("supports_parallel_tool_calls", true);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }), Headers: [new("etag", "\"emulated-codex-models\"")]);
    }

    private static int[]? ParseVersion(string text)
    {
        var parts = text.Split('.');
        if (parts.Length != 3)
        {
            return null;
        }

        var version = new int[3];
        for (var i = 0; i < 3; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out version[i]))
            {
                return null;
            }
        }

        return version;
    }

    private static int Compare(int[] a, int[] b)
    {
        for (var i = 0; i < 3; i++)
        {
            if (a[i] != b[i])
            {
                return a[i].CompareTo(b[i]);
            }
        }

        return 0;
    }
}
