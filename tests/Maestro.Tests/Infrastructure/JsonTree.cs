using System.Text.Json.Nodes;

namespace Maestro.Tests.Infrastructure;

/// <summary>Walks a JSON tree, for tests that normalize a request before comparing it.</summary>
public static class JsonTree
{
    /// <summary>Calls <paramref name="visit"/> on every object, parents first; a visit may change the object it is given.</summary>
    public static void EachObject(JsonNode? node, Action<JsonObject> visit)
    {
        switch (node)
        {
            case JsonObject o:
                visit(o);
                foreach (var (_, child) in o.ToList())
                {
                    EachObject(child, visit);
                }

                break;
            case JsonArray a:
                foreach (var child in a)
                {
                    EachObject(child, visit);
                }

                break;
            default:
                break;
        }
    }
}
