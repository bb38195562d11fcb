using System.Text;
using System.Text.Json;
using Maestro.Core.Errors;
using Maestro.Core.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Maestro.Web.Hosting;

/// <summary>
/// The one place where request input that no endpoint could handle is refused, before any endpoint runs: text that
/// cannot be stored or is not Unicode (NUL, lone surrogates, invalid UTF-8; see <see cref="StorableText"/>) in route
/// values, the query string, form fields and JSON bodies; JSON that is malformed, nested too deeply, holds a number
/// beyond double range or a null inside a list. Each answer is a 400 in the API's problem shape naming the field
/// (<c>name</c>, <c>env.API_KEY</c>, <c>args[2]</c>, <c>q</c>). Wrong JSON types are found by the deserializer and
/// reported the same way (<see cref="Api.ApiProblem"/>).
/// </summary>
public sealed class HostileInputGuard(RequestDelegate next)
{
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 64, CommentHandling = JsonCommentHandling.Disallow };

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        foreach (var (name, value) in context.GetRouteData().Values)
        {
            if (value is string text)
            {
                Check(name, text);
            }
        }

        foreach (var (name, values) in request.Query)
        {
            Check(StorableText.Escape(name), name, values);
        }

        if (request.HasFormContentType)
        {
            await CheckFormAsync(request, context.RequestAborted);
        }
        else if (IsJson(request.ContentType))
        {
            await CheckJsonBodyAsync(request, context.RequestAborted);
        }

        await next(context);
    }

    /// <summary>
    /// Reads the form once (endpoints get the parsed form). ASP.NET's form reader itself refuses a NUL; the raw body is
    /// then read again to say which field held it.
    /// </summary>
    private static async Task CheckFormAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        request.EnableBuffering();
        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(cancellationToken);
        }
        catch (InvalidDataException ex)
        {
            throw await FieldWithBadTextAsync(request) is { } bad
                ? new ValidationFailedException(bad.Field, $"The value {bad.Problem}.")
                : new ValidationFailedException("form", $"The form could not be read: {ex.Message}");
        }

        foreach (var (name, values) in form)
        {
            Check(StorableText.Escape(name), name, values);
        }
    }

    private static async Task<(string Field, string Problem)?> FieldWithBadTextAsync(HttpRequest request)
    {
        if (!request.ContentType!.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) || request.Body.Length > 4 << 20)
        {
            return null;
        }

        request.Body.Position = 0;
        using var reader = new StreamReader(request.Body, Encoding.UTF8, leaveOpen: true);
        foreach (var pair in (await reader.ReadToEndAsync()).Split('&'))
        {
            var (name, value) = pair.IndexOf('=', StringComparison.Ordinal) is var eq and >= 0 ? (pair[..eq], pair[(eq + 1)..]) : (pair, "");
            name = Uri.UnescapeDataString(name.Replace('+', ' '));
            if ((StorableText.Problem(name) ?? StorableText.Problem(Uri.UnescapeDataString(value.Replace('+', ' ')))) is { } problem)
            {
                return (StorableText.Escape(name), problem);
            }
        }

        return null;
    }

    private static bool IsJson(string? contentType) =>
        contentType is not null && (contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) ||
            contentType.Contains("+json", StringComparison.OrdinalIgnoreCase));

    private static void Check(string field, string name, Microsoft.Extensions.Primitives.StringValues values)
    {
        if (StorableText.Problem(name) is { } problem)
        {
            throw new ValidationFailedException(field, $"The name {problem}.");
        }

        foreach (var value in values)
        {
            Check(field, value);
        }
    }

    private static void Check(string field, string? text)
    {
        if (text is not null && StorableText.Problem(text) is { } problem)
        {
            throw new ValidationFailedException(field, $"The value {problem}.");
        }
    }

    /// <summary>Reads the body once (the endpoint reads the same bytes again) and walks it token by token.</summary>
    private static async Task CheckJsonBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var body = new MemoryStream();
        request.HttpContext.Response.RegisterForDispose(body);
        await request.Body.CopyToAsync(body, cancellationToken);
        body.Position = 0;
        request.Body = body;
        if (body.Length == 0)
        {
            return;
        }

        var path = new JsonPath();
        try
        {
            Walk(body.GetBuffer().AsSpan(0, (int)body.Length), path);
        }
        catch (JsonException ex)
        {
            var where = path.ToString();
            throw new ValidationFailedException(where.Length == 0 ? "body" : where,
                $"The body is not valid JSON: {ex.Message.Split(" LineNumber:")[0].TrimEnd('.', ' ')} (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}).");
        }
    }

    private static void Walk(ReadOnlySpan<byte> json, JsonPath path)
    {
        var reader = new Utf8JsonReader(json, ReaderOptions);
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                case JsonTokenType.StartArray:
                    path.Enter(reader.TokenType == JsonTokenType.StartArray);
                    break;
                case JsonTokenType.EndObject:
                case JsonTokenType.EndArray:
                    path.Leave();
                    break;
                case JsonTokenType.PropertyName:
                    path.Name(null); // A bad key is reported on the object that holds it.
                    path.Name(Text(ref reader, path, isName: true));
                    break;
                case JsonTokenType.String:
                    path.Item();
                    Text(ref reader, path, isName: false);
                    break;
                case JsonTokenType.Number:
                    path.Item();
                    if (!reader.TryGetDouble(out var number) || !double.IsFinite(number))
                    {
                        throw new ValidationFailedException(path.ToString("body"), "The number is out of range.");
                    }

                    break;
                case JsonTokenType.Null:
                    path.Item();
                    if (path.InArray)
                    {
                        throw new ValidationFailedException(path.ToString("body"), "A list cannot hold null.");
                    }

                    break;
                default:
                    path.Item();
                    break;
            }
        }
    }

    /// <summary>A string or property name as text, refused when it is not valid Unicode or holds NUL.</summary>
    private static string Text(ref Utf8JsonReader reader, JsonPath path, bool isName)
    {
        if (!reader.ValueIsEscaped && !System.Text.Unicode.Utf8.IsValid(reader.ValueSpan))
        {
            throw Refuse(path, isName, "is not valid UTF-8");
        }

        string text;
        try
        {
            text = reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            // An escape that spells half a surrogate pair (or bytes that are not UTF-8): the reader will not decode it.
            throw Refuse(path, isName, "contains a lone UTF-16 surrogate or bytes that are not UTF-8, which is not valid Unicode");
        }

        if (StorableText.Problem(text) is { } problem)
        {
            throw Refuse(path, isName, problem);
        }

        return text;
    }

    private static ValidationFailedException Refuse(JsonPath path, bool isName, string problem) =>
        new(path.ToString("body"), isName ? $"A key {problem}." : $"The value {problem}.");

    /// <summary>Where the reader is, as the API names fields: <c>env.API_KEY</c>, <c>args[2]</c>; built only for an error.</summary>
    private sealed class JsonPath
    {
        private readonly List<(bool Array, int Index, string? Name)> _frames = [];

        public bool InArray => _frames.Count > 0 && _frames[^1].Array;

        public void Enter(bool array)
        {
            Item();
            _frames.Add((array, -1, null));
        }

        public void Leave() => _frames.RemoveAt(_frames.Count - 1);

        public void Name(string? name) => _frames[^1] = _frames[^1] with { Name = name };

        /// <summary>A value starts: in a list, it is the next item.</summary>
        public void Item()
        {
            if (InArray)
            {
                _frames[^1] = _frames[^1] with { Index = _frames[^1].Index + 1 };
            }
        }

        public string ToString(string root)
        {
            var text = ToString();
            return text.Length == 0 ? root : text;
        }

        public override string ToString()
        {
            var builder = new StringBuilder();
            foreach (var (array, index, name) in _frames)
            {
                if (array && index >= 0)
                {
                    builder.Append('[').Append(index).Append(']');
                }
                else if (!array && name is not null)
                {
                    if (builder.Length > 0)
                    {
                        builder.Append('.');
                    }

                    builder.Append(StorableText.Escape(name));
                }
            }

            return builder.ToString();
        }
    }
}
