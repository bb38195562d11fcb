using Maestro.Emulator;
using Maestro.Emulator.Control;

namespace Maestro.Tests.Emulator;

public sealed class RequestLogTests
{
    [Fact]
    public void Keeps_the_newest_requests_up_to_the_capacity()
    {
        var log = new RequestLog(capacity: 3);
        for (var i = 0; i < 5; i++)
        {
            log.Add(Request(i.ToString(System.Globalization.CultureInfo.InvariantCulture), bytes: 1));
        }

        log.Snapshot(null, null).Select(r => r.Path).ShouldBe(["2", "3", "4"]);
    }

    [Fact]
    public void Drops_the_oldest_requests_when_their_bodies_grow_too_large()
    {
        var log = new RequestLog(capacity: 100, maxBodyBytes: 25);
        log.Add(Request("a", bytes: 10));
        log.Add(Request("b", bytes: 10));
        log.Add(Request("c", bytes: 10));
        log.Snapshot(null, null).Select(r => r.Path).ShouldBe(["b", "c"]);

        log.Add(Request("huge", bytes: 1000));
        log.Snapshot(null, null).Select(r => r.Path).ShouldBe(["huge"]);
    }

    private static RecordedRequest Request(string path, int bytes) => new()
    {
        Time = DateTimeOffset.UnixEpoch,
        Method = "POST",
        Path = path,
        Provider = "openai",
        Headers = new Dictionary<string, string>(),
        Body = new byte[bytes],
    };
}
