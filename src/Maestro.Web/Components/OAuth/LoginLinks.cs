using Microsoft.AspNetCore.WebUtilities;

namespace Maestro.Web.Components.OAuth;

/// <summary>Addresses of the sign-in pages.</summary>
public static class LoginLinks
{
    /// <summary>The sign-in form, filled in for provider/name (to renew a login, or to start a failed one again).</summary>
    public static string SignIn(string provider, string name, string? method = null, string? mode = null)
    {
        var query = new Dictionary<string, string?> { ["provider"] = provider, ["name"] = name };
        if (method is not null)
        {
            query["method"] = method;
        }

        if (mode is not null)
        {
            query["mode"] = mode;
        }

        return QueryHelpers.AddQueryString("/sign-in", query);
    }

    public static string Flow(Guid id) => $"/sign-in/{id}";
}
