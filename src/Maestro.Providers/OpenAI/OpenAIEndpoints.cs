namespace Maestro.Providers.OpenAI;

/// <summary>Builds OpenAI API URLs from a base that may or may not already end in <c>/v1</c>.</summary>
public static class OpenAIEndpoints
{
    /// <summary>
    /// <c>https://api.openai.com</c> + <c>responses</c> → <c>https://api.openai.com/v1/responses</c>;
    /// <c>http://host/openai/v1</c> + <c>responses</c> → <c>http://host/openai/v1/responses</c>.
    /// </summary>
    public static Uri Resolve(Uri baseUrl, string path)
    {
        var root = baseUrl.GetLeftPart(UriPartial.Path).TrimEnd('/');
        var versioned = root.EndsWith("/v1", StringComparison.Ordinal) ? root : root + "/v1";
        return new Uri(versioned + "/" + path.TrimStart('/') + baseUrl.Query);
    }
}
