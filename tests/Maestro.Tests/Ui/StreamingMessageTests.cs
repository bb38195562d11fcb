using System.Text;
using Maestro.Web.Ui;

namespace Maestro.Tests.Ui;

/// <summary>A viewer's copy of a streaming message: deltas carry their offset, so a viewer that starts from a snapshot skips what it has.</summary>
public sealed class StreamingMessageTests
{
    [Fact]
    public void Deltas_already_in_the_snapshot_are_skipped_and_overlaps_trimmed()
    {
        var message = new StreamingMessage(Guid.NewGuid());
        message.Text.Append("Hello wor");

        message.AddText("Hello ", 0);
        message.AddText("wor", 6);
        message.AddText("world", 6);
        message.AddText("!", 11);

        Render(message).ShouldContain("Hello world!");
        Render(message).ShouldNotContain("Hello Hello");
    }

    [Fact]
    public void A_missing_piece_stops_the_live_text_until_the_message_is_finished()
    {
        var message = new StreamingMessage(Guid.NewGuid());
        message.AddText("One ", 0);
        message.AddText("three", 8);

        message.Blind.ShouldBeTrue();
        message.AddText("four", 13);
        Render(message).ShouldNotContain("three");
    }

    [Fact]
    public void Updates_append_completed_blocks_and_replace_the_tail_by_id()
    {
        var id = Guid.NewGuid();
        var message = new StreamingMessage(id);
        message.AddText("First.\n\nSecond", 0);
        message.AddReasoning("thinking <b>");

        var html = Render(message);
        html.ShouldContain($"hx-swap-oob=\"beforeend:#d-{id:N}\"><p>First.</p>");
        html.ShouldContain($"<div id=\"t-{id:N}\" class=\"md-tail\" hx-swap-oob=\"true\"><p>Second</p>");
        html.ShouldContain($"hx-swap-oob=\"beforeend:#rt-{id:N}\">thinking &lt;b&gt;</div>");
        message.HasPending.ShouldBeFalse();
    }

    private static string Render(StreamingMessage message)
    {
        var html = new StringBuilder();
        message.Flush(html);
        return html.ToString();
    }
}
