using Maestro.Core.Sessions;

namespace Maestro.Web.Components.Sessions;

/// <summary>The dashboard's query string for a page of the session list with its search and filters.</summary>
public static class SessionQuery
{
    public static string Of(int page, SessionFilter filter)
    {
        var query = $"page={page}";
        if (filter.Search is { } q)
        {
            query += "&q=" + Uri.EscapeDataString(q);
        }

        if (filter.Auth is { } auth)
        {
            query += "&auth=" + Uri.EscapeDataString(auth);
        }

        if (filter.Provider is { } provider)
        {
            query += "&provider=" + Uri.EscapeDataString(provider);
        }

        return query;
    }
}
