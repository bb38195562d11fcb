using System.Text;
using Microsoft.Extensions.Logging;

namespace Maestro.Core.Providers.Http;

/// <summary>
/// Unknown stream events are skipped (providers add event types all the time); with STREAM_LOG_UNKNOWN_EVENTS=1 they
/// are logged so a new event type is noticed.
/// </summary>
public sealed class StreamDiagnostics(bool logUnknownEvents, ILogger logger)
{
    public bool Enabled => logUnknownEvents;

    public void UnknownEvent(string provider, string? eventType, ReadOnlySpan<byte> data)
    {
        if (!logUnknownEvents)
        {
            return;
        }

        var text = Encoding.UTF8.GetString(data.Length > 2048 ? data[..2048] : data);
        logger.LogInformation("{Provider} stream: ignored unknown event {EventType}: {Data}", provider, eventType ?? "(none)", SecretRedactor.RedactJson(text));
    }
}
