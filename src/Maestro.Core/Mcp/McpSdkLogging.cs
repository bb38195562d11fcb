using Microsoft.Extensions.Logging;

namespace Maestro.Core.Mcp;

/// <summary>
/// The logger factory handed to the MCP SDK: its messages pass only when Maestro logs at Debug. Otherwise the SDK logs
/// expected events as warnings (a server that predates the newest protocol revision answers the server/discover probe
/// with "method not found") and failures that Maestro reports itself, more clearly, as errors with stack traces.
/// </summary>
internal sealed class McpSdkLogging(ILoggerFactory inner) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => new Filtered(inner.CreateLogger(categoryName));

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose()
    {
        // The inner factory belongs to the application.
    }

    private sealed class Filtered(ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) =>
            inner.IsEnabled(logLevel) && inner.IsEnabled(LogLevel.Debug);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                inner.Log(logLevel, eventId, state, exception, formatter);
            }
        }
    }
}
