using Maestro.Core.Errors;
using Npgsql;

namespace Maestro.Data.Connection;

/// <summary>
/// Reads DATABASE_URL in either form: a URL (<c>postgres://user:password@host:5432/db?sslmode=require</c>) or an Npgsql
/// connection string (<c>Host=...;Database=...</c>). Error messages never include the password.
/// </summary>
public static class DatabaseUrl
{
    private const string Example = "postgres://user:password@host:5432/maestro or Host=host;Username=user;Password=...;Database=maestro";

    public static NpgsqlConnectionStringBuilder Parse(string value)
    {
        var text = value.Trim();
        if (text.Length == 0)
        {
            throw Invalid("it is empty");
        }

        return text.Contains("://", StringComparison.Ordinal) ? ParseUrl(text) : ParseKeyValue(text);
    }

    /// <summary>host:port/database, for messages.</summary>
    public static string Describe(NpgsqlConnectionStringBuilder builder) =>
        $"{builder.Host}:{builder.Port}/{builder.Database}";

    private static NpgsqlConnectionStringBuilder ParseUrl(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri))
        {
            throw Invalid("it is not a valid URL");
        }

        if (uri.Scheme is not ("postgres" or "postgresql"))
        {
            throw Invalid($"the scheme is '{uri.Scheme}', expected postgres:// or postgresql://");
        }

        if (string.IsNullOrEmpty(uri.Host))
        {
            throw Invalid("it has no host");
        }

        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length == 0)
        {
            throw Invalid("it names no database (add /name after the host)");
        }

        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port,
            Database = database,
        };
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            builder.Username = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            if (colon >= 0)
            {
                builder.Password = Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
            }
        }

        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]);
            var val = eq < 0 ? "" : Uri.UnescapeDataString(pair[(eq + 1)..]);
            switch (key.ToLowerInvariant())
            {
                case "sslmode":
                    builder.SslMode = val.ToLowerInvariant() switch
                    {
                        "disable" => SslMode.Disable,
                        "allow" => SslMode.Allow,
                        "prefer" => SslMode.Prefer,
                        "require" => SslMode.Require,
                        "verify-ca" => SslMode.VerifyCA,
                        "verify-full" => SslMode.VerifyFull,
                        _ => throw Invalid($"sslmode '{val}' is unknown (disable, allow, prefer, require, verify-ca, verify-full)"),
                    };
                    break;
                case "application_name":
                    builder.ApplicationName = val;
                    break;
                case "connect_timeout":
                    builder.Timeout = int.TryParse(val, out var seconds) ? seconds : throw Invalid($"connect_timeout '{val}' is not a number");
                    break;
                default:
                    // Unknown URL parameters are ignored rather than rejected, as libpq-style tools do for options they lack.
                    break;
            }
        }

        return builder;
    }

    private static NpgsqlConnectionStringBuilder ParseKeyValue(string text)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(text);
        }
        catch (ArgumentException ex)
        {
            // Npgsql's message names the bad keyword, never the password value.
            throw Invalid(ex.Message.Split('\n')[0]);
        }

        if (string.IsNullOrEmpty(builder.Host))
        {
            throw Invalid("it has no Host");
        }

        return builder;
    }

    private static MaestroException Invalid(string reason) =>
        new($"DATABASE_URL is not a valid PostgreSQL URL or connection string: {reason}.",
            $"Use the form {Example}, or unset DATABASE_URL to use the embedded database.");
}
