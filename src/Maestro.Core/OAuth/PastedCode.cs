using Maestro.Core.Errors;
using Microsoft.AspNetCore.WebUtilities;

namespace Maestro.Core.OAuth;

/// <summary>
/// What a user pasted to finish a login: <c>code#state</c> (the code page Anthropic shows), the full address the
/// browser ended on (<c>http://localhost:1455/auth/callback?code=…&amp;state=…</c>), or just its query string.
/// </summary>
/// <param name="Error">The provider's error (e.g. <c>access_denied</c>) when the pasted address carries one.</param>
public sealed record PastedCode(string? Code, string? State, string? Error = null, string? ErrorDescription = null)
{
    public const int MaxLength = 8192;
    private const string Field = "code";
    private const string WhatToPaste =
        "paste the code shown after signing in (code#state) or the full address of the page the browser ended on";

    public static PastedCode Parse(string? text)
    {
        var value = Unwrap(text?.Trim() ?? "");
        if (value.Length == 0)
        {
            throw new ValidationFailedException(Field, $"Nothing was pasted: {WhatToPaste}.");
        }

        if (value.Length > MaxLength)
        {
            throw new ValidationFailedException(Field, $"The pasted text is longer than {MaxLength} characters; {WhatToPaste}.");
        }

        if (value.AsSpan().IndexOfAny([' ', '\t', '\r', '\n']) >= 0)
        {
            throw new ValidationFailedException(Field, $"The pasted text contains spaces or line breaks; {WhatToPaste}.");
        }

        if (value.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            if (!Uri.TryCreate(value, UriKind.Absolute, out var uri))
            {
                throw new ValidationFailedException(Field, $"The pasted address is not a valid URL; {WhatToPaste}.");
            }

            // Some servers put the parameters in the fragment; the query wins when both have them.
            return FromParameters(uri.Query.Length > 1 ? uri.Query : uri.Fragment.TrimStart('#'), "address");
        }

        if (value.Contains('=', StringComparison.Ordinal))
        {
            return FromParameters(value.TrimStart('?', '#'), "query string");
        }

        var hash = value.IndexOf('#', StringComparison.Ordinal);
        if (hash < 0)
        {
            throw new ValidationFailedException(Field,
                "The pasted text has no state: paste the whole value including the part after '#' (code#state), or the full address of the page the browser ended on.");
        }

        var code = value[..hash];
        var state = value[(hash + 1)..];
        if (code.Length == 0 || state.Length == 0 || state.Contains('#', StringComparison.Ordinal))
        {
            throw new ValidationFailedException(Field, $"'{Shorten(value)}' is not of the form code#state; {WhatToPaste}.");
        }

        return new PastedCode(code, state);
    }

    private static PastedCode FromParameters(string query, string what)
    {
        var parameters = QueryHelpers.ParseQuery(query);
        string? Get(string name) => parameters.TryGetValue(name, out var v) && v.Count > 0 && v[0] is { Length: > 0 } s ? s : null;

        if (Get("error") is { } error)
        {
            return new PastedCode(null, Get("state"), error, Get("error_description"));
        }

        var code = Get("code") ?? throw new ValidationFailedException(Field, $"The pasted {what} has no 'code' parameter; {WhatToPaste}.");
        var state = Get("state") ?? throw new ValidationFailedException(Field, $"The pasted {what} has no 'state' parameter; {WhatToPaste}.");
        return new PastedCode(code, state);
    }

    /// <summary>Terminals and chat tools often add quotes or angle brackets around a pasted value.</summary>
    private static string Unwrap(string value)
    {
        if (value.Length >= 2 && ((value[0] == '"' && value[^1] == '"') || (value[0] == '\'' && value[^1] == '\'') || (value[0] == '<' && value[^1] == '>')))
        {
            return value[1..^1].Trim();
        }

        return value;
    }

    private static string Shorten(string value) => value.Length <= 40 ? value : string.Concat(value.AsSpan(0, 37), "...");

    public override string ToString() => "PastedCode { <redacted> }";
}
