using Maestro.Core.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Maestro.Web.Hosting;

/// <summary>One logging setup for the server and the CLI: concise console lines, MAESTRO_LOG_LEVEL, and HTTP_DEBUG.</summary>
public static class MaestroLogging
{
    public static void Configure(ILoggingBuilder logging, IConfiguration configuration, LogLevel defaultLevel = LogLevel.Information)
    {
        logging.ClearProviders();
        logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });
        // The CLI prints its own output on stdout; logs go to stderr so `--json` output stays clean.
        logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);

        var level = configuration.GetString("MAESTRO_LOG_LEVEL") is { } text
            ? Enum.TryParse<LogLevel>(text, ignoreCase: true, out var parsed) ? parsed
                : throw new Core.Errors.MaestroException($"MAESTRO_LOG_LEVEL='{text}' is not a level.", "Use Trace, Debug, Information, Warning or Error.")
            : defaultLevel;
        logging.SetMinimumLevel(level);
        logging.AddFilter("Microsoft", LogLevel.Warning);
        logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
        // A failed start is reported once, by whoever started the host (the CLI prints it as one line).
        logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None);
        logging.AddFilter("Npgsql", LogLevel.Warning);
        logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        if (configuration.GetFlag("HTTP_DEBUG"))
        {
            logging.AddFilter("Maestro.Core.Providers.Http.HttpDebugHandler", LogLevel.Trace);
        }
    }
}
