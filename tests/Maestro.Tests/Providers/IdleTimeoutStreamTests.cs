using System.IO.Pipelines;
using Maestro.Core.Providers.Http;

namespace Maestro.Tests.Providers;

/// <summary>
/// A provider body read through <see cref="IdleTimeoutStream"/>: reads that wait for the network complete through one
/// reusable source per stream, so these check that source read after read, for data, failures and the idle timeout.
/// </summary>
public sealed class IdleTimeoutStreamTests
{
    [Fact]
    public async Task Reads_that_wait_get_each_write_in_order_read_after_read()
    {
        var pipe = new Pipe();
        await using var stream = new IdleTimeoutStream(pipe.Reader.AsStream(), TimeSpan.FromMinutes(1), TimeProvider.System, TestContext.Current.CancellationToken);
        var buffer = new byte[16];
        for (var i = 0; i < 50; i++)
        {
            var read = stream.ReadAsync(buffer, TestContext.Current.CancellationToken);
            read.IsCompleted.ShouldBeFalse("nothing was written yet");
            await pipe.Writer.WriteAsync(new[] { (byte)i, (byte)(i + 1) }, TestContext.Current.CancellationToken);
            (await read).ShouldBe(2);
            buffer[0].ShouldBe((byte)i);
            buffer[1].ShouldBe((byte)(i + 1));
        }

        var last = stream.ReadAsync(buffer, TestContext.Current.CancellationToken);
        await pipe.Writer.CompleteAsync();
        (await last).ShouldBe(0);
    }

    [Fact]
    public async Task A_read_that_fails_while_waiting_fails_the_awaited_read_not_the_call()
    {
        var pipe = new Pipe();
        await using var stream = new IdleTimeoutStream(pipe.Reader.AsStream(), TimeSpan.FromMinutes(1), TimeProvider.System, TestContext.Current.CancellationToken);
        var read = stream.ReadAsync(new byte[16], TestContext.Current.CancellationToken);
        await pipe.Writer.CompleteAsync(new IOException("connection reset"));
        (await Should.ThrowAsync<IOException>(read.AsTask())).Message.ShouldBe("connection reset");
    }

    [Fact]
    public async Task A_read_that_waits_past_the_idle_timeout_is_a_timeout()
    {
        var pipe = new Pipe();
        await using var stream = new IdleTimeoutStream(pipe.Reader.AsStream(), TimeSpan.FromSeconds(1), TimeProvider.System, TestContext.Current.CancellationToken);
        var error = await Should.ThrowAsync<TimeoutException>(stream.ReadAsync(new byte[16], TestContext.Current.CancellationToken).AsTask());
        error.Message.ShouldBe("no data arrived for 1 s");
    }

    [Fact]
    public async Task A_read_with_a_token_of_its_own_is_cancelled_by_it()
    {
        var pipe = new Pipe();
        await using var stream = new IdleTimeoutStream(pipe.Reader.AsStream(), TimeSpan.FromMinutes(1), TimeProvider.System, TestContext.Current.CancellationToken);
        using var own = new CancellationTokenSource();
        var read = stream.ReadAsync(new byte[16], own.Token);
        await own.CancelAsync();
        await Should.ThrowAsync<OperationCanceledException>(read.AsTask());
    }
}
