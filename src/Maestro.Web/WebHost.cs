namespace Maestro.Web;

internal static class WebHost
{
}
