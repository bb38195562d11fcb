using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Maestro.Core.Configuration;
using Maestro.Core.Errors;
using Microsoft.Extensions.Configuration;

namespace Maestro.Providers.OpenAICompatible;

/// <summary>
/// Reads OpenAI-compatible provider declarations from the environment (<c>MAESTRO_COMPAT_PROVIDERS</c> and
/// <c>MAESTRO_COMPAT_&lt;ID&gt;_*</c>) and from <c>$MAESTRO_HOME/providers.json</c>. A bad declaration fails with a
/// one-line message naming the setting, so a typo never silently drops a provider.
/// </summary>
public static partial class CompatibleProviderDeclarations
{
    public const string ListVariable = "MAESTRO_COMPAT_PROVIDERS";
    public const string FileName = "providers.json";

    internal const string IdRule = "use 2-40 of a-z, 0-9, '-' and '_', starting with a letter";

    private const int MaxUrlLength = 2000;
    private const int MaxNameLength = 100;
    private const int MaxModelLength = 200;

    private static readonly string[] FileKeys = [.. Core.Providers.Saved.ProviderDeclaration.FieldNames];

    /// <param name="builtInIds">Ids of the built-in providers, which a declaration may not reuse.</param>
    /// <exception cref="MaestroException">A declaration is invalid; the message names the setting.</exception>
    public static IReadOnlyList<CompatibleProviderSettings> Read(IConfiguration configuration, IReadOnlyCollection<string> builtInIds)
    {
        var declared = new List<CompatibleProviderSettings>();
        declared.AddRange(FromEnvironment(configuration));
        var file = Path.Combine(MaestroHome.FromEnvironment(name => configuration[name]).Path, FileName);
        declared.AddRange(FromFile(file));

        var seen = new Dictionary<string, CompatibleProviderSettings>(StringComparer.Ordinal);
        foreach (var provider in declared)
        {
            if (builtInIds.Contains(provider.Id))
            {
                throw new MaestroException(
                    $"{provider.DeclaredIn}: '{provider.Id}' is the id of a built-in provider; give the OpenAI-compatible endpoint another id.");
            }

            if (seen.TryGetValue(provider.Id, out var first))
            {
                throw new MaestroException(first.DeclaredIn == provider.DeclaredIn
                    ? $"{provider.DeclaredIn}: provider '{provider.Id}' is declared twice."
                    : $"Provider '{provider.Id}' is declared both in {first.DeclaredIn} and in {provider.DeclaredIn}; keep one.");
            }

            seen[provider.Id] = provider;
        }

        return declared;
    }

    /// <summary><c>MAESTRO_COMPAT_PROVIDERS=ollama,openrouter</c> with <c>MAESTRO_COMPAT_OLLAMA_BASE_URL=…</c> and so on.</summary>
    public static IReadOnlyList<CompatibleProviderSettings> FromEnvironment(IConfiguration configuration)
    {
        var list = configuration.GetString(ListVariable);
        if (list is null)
        {
            return [];
        }

        var result = new List<CompatibleProviderSettings>();
        var prefixes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!IdPattern().IsMatch(raw))
            {
                throw new MaestroException($"{ListVariable}: '{raw}' is not a valid provider id: {IdRule}.");
            }

            var prefix = $"MAESTRO_COMPAT_{raw.ToUpperInvariant().Replace('-', '_')}_";
            if (prefixes.TryGetValue(prefix, out var other))
            {
                throw new MaestroException(other == raw
                    ? $"{ListVariable}: provider '{raw}' is listed twice."
                    : $"{ListVariable}: '{other}' and '{raw}' would both read settings named {prefix}*; rename one.");
            }

            prefixes[prefix] = raw;
            result.Add(FromSettings(raw, ListVariable, name => Raw(configuration, prefix + name), name => prefix + name));
        }

        return result;
    }

    /// <summary><c>{"providers":[{"id":"ollama","base_url":"http://localhost:11434/v1", …}]}</c>; a missing file declares nothing.</summary>
    public static IReadOnlyList<CompatibleProviderSettings> FromFile(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            throw new MaestroException($"{path}: cannot read the OpenAI-compatible provider declarations: {ex.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("providers", out var providers) || providers.ValueKind != JsonValueKind.Array)
            {
                throw new MaestroException($"{path}: expected {{\"providers\": [{{\"id\": …, \"base_url\": …}}]}}.");
            }

            var result = new List<CompatibleProviderSettings>();
            var index = 0;
            foreach (var entry in providers.EnumerateArray())
            {
                var at = $"{path}: providers[{index}]";
                if (entry.ValueKind != JsonValueKind.Object)
                {
                    throw new MaestroException($"{at} is not an object.");
                }

                foreach (var property in entry.EnumerateObject())
                {
                    if (Array.IndexOf(FileKeys, property.Name) < 0)
                    {
                        throw new MaestroException($"{at} has an unknown key '{property.Name}' (known: {string.Join(", ", FileKeys)}).");
                    }
                }

                var id = FileValue(entry, "id");
                if (string.IsNullOrWhiteSpace(id))
                {
                    throw new MaestroException($"{at}.id is missing.");
                }

                if (!IdPattern().IsMatch(id))
                {
                    throw new MaestroException($"{at}.id '{id}' is not a valid provider id: {IdRule}.");
                }

                result.Add(FromSettings(id, path, name => FileValue(entry, name.ToLowerInvariant()), name => $"{at}.{name.ToLowerInvariant()}"));
                index++;
            }

            return result;
        }
    }

    /// <summary>Builds one declaration from named settings (env suffixes such as BASE_URL, or the same keys in lowercase).</summary>
    private static CompatibleProviderSettings FromSettings(string id, string declaredIn, Func<string, string?> get, Func<string, string> nameOf) =>
        Build(id, declaredIn, get, (name, value, problem) =>
            throw new MaestroException(value is null ? $"{nameOf(name)} {problem}" : $"{nameOf(name)}='{value}' {problem}"))!;

    /// <summary>
    /// Validates named settings into a declaration. Each problem goes to <paramref name="fail"/> (setting name such as
    /// BASE_URL, the offending value or null when missing, what is wrong); null when there was one.
    /// </summary>
    internal static CompatibleProviderSettings? Build(string id, string declaredIn, Func<string, string?> get, Action<string, string?, string> fail)
    {
        var failed = false;
        void Fail(string name, string? value, string problem)
        {
            failed = true;
            // A pasted blob is quoted by its start: enough to recognise it, never a page of error text.
            fail(name, value is { Length: > 80 } ? value[..80] + "…" : value, problem);
        }

        var baseUrlText = get("BASE_URL")?.Trim();
        Uri? baseUrl = null;
        if (string.IsNullOrEmpty(baseUrlText))
        {
            Fail("BASE_URL", null, $"is missing: provider '{id}' needs the URL of its OpenAI-compatible API, e.g. http://localhost:11434/v1.");
        }
        else if (baseUrlText.Length > MaxUrlLength || !Uri.TryCreate(baseUrlText, UriKind.Absolute, out baseUrl) ||
            (baseUrl.Scheme != Uri.UriSchemeHttp && baseUrl.Scheme != Uri.UriSchemeHttps))
        {
            Fail("BASE_URL", baseUrlText, $"is not an absolute http(s) URL (at most {MaxUrlLength} characters).");
        }

        var displayName = NonEmpty(get("DISPLAY_NAME")) ?? id;
        if (displayName.Length > MaxNameLength || displayName.Any(char.IsControl))
        {
            Fail("DISPLAY_NAME", displayName, $"is not a display name: use at most {MaxNameLength} characters, on one line.");
        }

        var header = NonEmpty(get("AUTH_HEADER")) ?? "Authorization";
        if (!HeaderPattern().IsMatch(header))
        {
            Fail("AUTH_HEADER", header, "is not a valid HTTP header name.");
        }

        // An explicitly empty scheme (or "none") sends the raw key; unset means Bearer for Authorization only.
        var scheme = get("AUTH_SCHEME") is { } s
            ? s.Trim() is "" or "none" ? "" : s.Trim()
            : header.Equals("Authorization", StringComparison.OrdinalIgnoreCase) ? "Bearer" : "";
        if (scheme.Length > 0 && !HeaderPattern().IsMatch(scheme))
        {
            // The scheme goes into a header: one token, so it can never carry a line break or a second value.
            Fail("AUTH_SCHEME", scheme, "is not a single word such as Bearer (or none, to send the raw key).");
        }

        var maxTokensField = NonEmpty(get("MAX_TOKENS_FIELD")) ?? "max_tokens";
        if (maxTokensField is not ("max_tokens" or "max_completion_tokens"))
        {
            Fail("MAX_TOKENS_FIELD", maxTokensField, "must be max_tokens or max_completion_tokens.");
        }

        int? defaultMaxTokens = null;
        if (NonEmpty(get("DEFAULT_MAX_TOKENS")) is { } maxText)
        {
            if (!int.TryParse(maxText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var max) || max <= 0)
            {
                Fail("DEFAULT_MAX_TOKENS", maxText, "is not a positive whole number.");
            }

            defaultMaxTokens = max;
        }

        var modelsPath = ApiPath(get("MODELS_PATH"), "/models");
        var chatPath = ApiPath(get("CHAT_PATH"), "/chat/completions");
        foreach (var (name, path) in new[] { ("MODELS_PATH", modelsPath), ("CHAT_PATH", chatPath) })
        {
            if (path.Length > MaxUrlLength || path.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            {
                Fail(name, path, $"is not a URL path (no spaces, at most {MaxUrlLength} characters), e.g. /chat/completions.");
            }
        }

        var defaultModel = NonEmpty(get("DEFAULT_MODEL"));
        if (defaultModel is not null && (defaultModel.Length > MaxModelLength || defaultModel.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))))
        {
            Fail("DEFAULT_MODEL", defaultModel, $"is not a model id (no spaces, at most {MaxModelLength} characters).");
        }

        var apiKeyRequired = true;
        if (NonEmpty(get("API_KEY_REQUIRED"))?.ToLowerInvariant() is { } flag)
        {
            switch (flag)
            {
                case "1" or "true" or "yes" or "on":
                    break;
                case "0" or "false" or "no" or "off":
                    apiKeyRequired = false;
                    break;
                default:
                    Fail("API_KEY_REQUIRED", flag, "is not a yes/no value (use true or false, 1 or 0).");
                    break;
            }
        }

        return failed
            ? null
            : new CompatibleProviderSettings(
                id, displayName, baseUrl!, header, scheme, modelsPath, chatPath, apiKeyRequired, maxTokensField, defaultMaxTokens, defaultModel,
                declaredIn);
    }

    private static string? Raw(IConfiguration configuration, string name) => configuration[name];

    private static string? FileValue(JsonElement entry, string key) =>
        entry.TryGetProperty(key, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                JsonValueKind.Number => value.GetRawText(),
                _ => null,
            }
            : null;

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string ApiPath(string? value, string defaultValue) =>
        NonEmpty(value) is { } path ? "/" + path.TrimStart('/') : defaultValue;

    [GeneratedRegex("^[a-z][a-z0-9_-]{1,39}$")]
    internal static partial Regex IdPattern();

    [GeneratedRegex("^[A-Za-z0-9!#$%&'*+.^_`|~-]+$")]
    private static partial Regex HeaderPattern();
}
