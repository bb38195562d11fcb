using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace Maestro.Tests.Web.Fuzz;

/// <summary>
/// Hostile requests for every endpoint the app maps, derived from the endpoint itself: its route parameters, and (for
/// minimal APIs) its handler's query, form and JSON body parameters, so a route added tomorrow is fuzzed the same day.
/// </summary>
public sealed partial class EndpointFuzzer(IServiceProviderIsService services, Func<RouteEndpoint, string, string> validRouteValue)
{
    /// <summary>Form fields of the UI handlers that read the whole form (session and MCP forms).</summary>
    private static readonly string[] FormFields =
    [
        "name", "auth", "model", "working_directory", "tools", "approve", "system_prompt", "prompts", "mcp_servers",
        "temperature", "max_output_tokens", "reasoning_effort", "round_limit", "auto_compact", "transport", "command_line",
        "url", "env", "headers", "remove_env", "remove_headers", "enabled", "shell_env_passthrough",
    ];

    public IEnumerable<FuzzRequest> For(RouteEndpoint endpoint)
    {
        var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"];
        var handler = endpoint.Metadata.GetMetadata<MethodInfo>();
        var routeNames = endpoint.RoutePattern.Parameters.Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var parameters = handler?.GetParameters() ?? [];
        foreach (var method in methods)
        {
            var destructive = method == "DELETE";
            if (!destructive)
            {
                yield return new FuzzRequest(method, Url(endpoint, null, null), null, null, "valid route");
            }

            foreach (var parameter in endpoint.RoutePattern.Parameters)
            {
                var constrained = parameter.ParameterPolicies.Count > 0;
                foreach (var value in constrained ? HostileValues.Url.Take(2) : HostileValues.Url)
                {
                    yield return new FuzzRequest(method, Url(endpoint, (parameter.Name, value.Text), null), null, null, $"route {parameter.Name}: {value.Label}");
                }
            }

            var query = parameters.Where(p => IsQuery(p, routeNames)).Select(QueryName).Append("zzz");
            foreach (var name in query)
            {
                foreach (var value in HostileValues.Url.Where(v => !destructive || v.IsHostileText))
                {
                    yield return new FuzzRequest(method, Url(endpoint, null, $"{name}={value.Text}"), null, null, $"query {name}: {value.Label}",
                        value.IsHostileText ? name : null);
                }
            }

            if (parameters.FirstOrDefault(p => IsBody(p, routeNames)) is { } body)
            {
                foreach (var request in JsonBodies(method, Url(endpoint, null, null), body.ParameterType))
                {
                    yield return request;
                }
            }

            var form = parameters.Where(p => p.GetCustomAttribute<FromFormAttribute>() is not null)
                .Select(p => p.GetCustomAttribute<FromFormAttribute>()!.Name ?? p.Name!).ToList();
            if (form.Count == 0 && method == "POST" && endpoint.RoutePattern.RawText!.StartsWith("/ui/", StringComparison.Ordinal) &&
                parameters.Any(p => p.ParameterType == typeof(HttpContext) || p.ParameterType == typeof(IFormCollection)))
            {
                form = [.. FormFields];
            }

            foreach (var field in form)
            {
                foreach (var value in HostileValues.Form)
                {
                    yield return new FuzzRequest(method, Url(endpoint, null, null), Encoding.UTF8.GetBytes($"{field}={value.Text}"),
                        "application/x-www-form-urlencoded", $"form {field}: {value.Label}", value.IsHostileText ? field : null);
                }
            }
        }
    }

    private IEnumerable<FuzzRequest> JsonBodies(string method, string url, Type type)
    {
        foreach (var (body, contentType, label) in HostileValues.Bodies)
        {
            yield return new FuzzRequest(method, url, body, contentType, "body: " + label);
        }

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite || p.SetMethod is not null))
        {
            var name = property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.SnakeCaseLower.ConvertName(property.Name);
            foreach (var value in ValuesFor(property.PropertyType))
            {
                yield return new FuzzRequest(method, url, Encoding.UTF8.GetBytes($"{{\"{name}\":{value.Text}}}"), "application/json",
                    $"json {name}: {value.Label}", value.IsHostileText ? name : null);
            }
        }
    }

    private static HostileValues.Value[] ValuesFor(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string))
        {
            return HostileValues.JsonString;
        }

        if (type == typeof(float) || type == typeof(double) || type == typeof(int) || type == typeof(long) || type == typeof(decimal))
        {
            return HostileValues.JsonNumber;
        }

        if (type == typeof(bool))
        {
            return HostileValues.JsonBool;
        }

        if (type.IsGenericType && type.GetGenericArguments().Length == 2)
        {
            return HostileValues.JsonMap;
        }

        if (type.IsArray || (type.IsGenericType && typeof(System.Collections.IEnumerable).IsAssignableFrom(type)))
        {
            return HostileValues.JsonList;
        }

        return HostileValues.JsonAny;
    }

    private bool IsBody(ParameterInfo p, HashSet<string> routeNames) =>
        !routeNames.Contains(p.Name!) && !IsSpecial(p) && !IsSimple(p.ParameterType) && p.GetCustomAttribute<FromFormAttribute>() is null &&
        !services.IsService(p.ParameterType);

    private bool IsQuery(ParameterInfo p, HashSet<string> routeNames) =>
        !routeNames.Contains(p.Name!) && !IsSpecial(p) && IsSimple(p.ParameterType) && p.GetCustomAttribute<FromFormAttribute>() is null &&
        !services.IsService(p.ParameterType);

    private static string QueryName(ParameterInfo p) => p.GetCustomAttribute<FromQueryAttribute>()?.Name ?? p.Name!;

    private static bool IsSpecial(ParameterInfo p) =>
        p.ParameterType == typeof(HttpContext) || p.ParameterType == typeof(CancellationToken) || p.ParameterType == typeof(HttpRequest) ||
        p.ParameterType == typeof(HttpResponse) || p.ParameterType == typeof(IFormCollection);

    private static bool IsSimple(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsPrimitive || type == typeof(string) || type == typeof(Guid) || type == typeof(decimal) || type.IsEnum ||
            type == typeof(DateTimeOffset);
    }

    private string Url(RouteEndpoint endpoint, (string Name, string Value)? replace, string? query)
    {
        var path = RouteParameter().Replace(endpoint.RoutePattern.RawText!, match =>
        {
            var name = match.Groups[1].Value;
            return replace is { } r && string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase)
                ? r.Value
                : Uri.EscapeDataString(validRouteValue(endpoint, name));
        });
        if (!path.StartsWith('/'))
        {
            path = "/" + path;
        }

        return query is null ? path : $"{path}?{query}";
    }

    [GeneratedRegex(@"\{\*?([A-Za-z0-9_]+)(:[^}]*)?\??\}")]
    private static partial Regex RouteParameter();
}
