using System.Net;
using Maestro.Core.Errors;

namespace Maestro.Web.Access;

/// <summary>
/// Whoever reaches Maestro can run commands on this machine, so authentication can be turned off only where nobody
/// else can reach it: on a loopback address.
/// </summary>
public static class ExposureRules
{
    public static bool IsLoopback(string host) =>
        host == "localhost" || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));

    /// <summary>Refuses to start without authentication on an address other machines can reach.</summary>
    public static void Check(string host, AccessSettings settings)
    {
        if (!settings.Enabled && !IsLoopback(host))
        {
            throw new MaestroException(
                $"Authentication cannot be turned off while listening on {host}: anyone who can reach that address could read your auths and run commands on this machine.",
                "Remove --no-auth (or MAESTRO_AUTH=off), or listen on 127.0.0.1 only.");
        }
    }

    /// <summary>Printed (and logged) at every start without authentication.</summary>
    public const string NoAuthWarning =
        "Authentication is OFF (--no-auth / MAESTRO_AUTH=off): every program and user on this machine can use Maestro, your auths and its shell tool.";
}
