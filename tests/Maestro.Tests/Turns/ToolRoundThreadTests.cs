using System.Text.Json.Nodes;
using Maestro.Core.Auths;
using Maestro.Core.Conversations;
using Maestro.Core.Sessions;
using Maestro.Core.Turns;
using Maestro.Emulator;
using Maestro.Tests.Infrastructure;

namespace Maestro.Tests.Turns;

/// <summary>
/// A turn's later rounds (after tool calls) catch the thread up with what the turn wrote instead of reading it whole
/// again, and send the model exactly what a whole read would.
/// </summary>
public sealed class ToolRoundThreadTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Later_rounds_read_only_the_messages_written_since_and_send_what_a_whole_read_gives()
    {
        Func<RecordingService<IConversationStore>>? recorder = null;
        await using var bed = await SessionTestBed.CreateAsync(postgres, "tool-rounds", services: s => recorder = Recording.Install<IConversationStore>(s));
        foreach (var (file, text) in new[] { ("a.txt", "alpha\n"), ("b.txt", "beta\n"), ("c.txt", "gamma\n") })
        {
            await File.WriteAllTextAsync(Path.Combine(bed.Workdir, file), text);
        }

        var session = await bed.CreateSessionAsync("anthropic", "rounds");
        bed.Script("anthropic",
            ScriptedResponse.FromText("Answer one."),
            ScriptedResponse.FromToolCalls(ScriptedToolCall.Create("read_file", """{"path": "a.txt"}""")),
            ScriptedResponse.FromToolCalls(ScriptedToolCall.Create("read_file", """{"path": "b.txt"}""")),
            ScriptedResponse.FromToolCalls(ScriptedToolCall.Create("read_file", """{"path": "c.txt"}""")),
            ScriptedResponse.FromText("Done."),
            ScriptedResponse.FromText("Answer three."));
        (await bed.RunTurnAsync(session, "Question one")).Outcome.Status.ShouldBe(TurnStatus.Completed);

        var calls = recorder!().Calls;
        calls.Clear();
        var (outcome, _) = await bed.RunTurnAsync(session, "Read the three files");
        outcome.Status.ShouldBe(TurnStatus.Completed);
        outcome.Rounds.ShouldBe(4);
        var reads = calls.Where(c => c.Method.StartsWith("ListMessages", StringComparison.Ordinal)).ToList();

        var fresh = await bed.Get<SessionService>().GetAsync(session.Id, CancellationToken.None);
        var messages = await bed.Get<ConversationService>().MessagesAsync(fresh, null, null, 100, CancellationToken.None);
        messages.Select(m => m.Role).ShouldBe([
            MessageRole.User, MessageRole.Assistant, MessageRole.User,
            MessageRole.Assistant, MessageRole.Tool, MessageRole.Assistant, MessageRole.Tool, MessageRole.Assistant, MessageRole.Tool,
            MessageRole.Assistant]);

        // Round one took the thread from the start; rounds two to four each asked only for what followed the last message
        // they knew: the user's question, then each round's answer and tool results.
        reads.ShouldAllBe(c => c.Method == nameof(IConversationStore.ListMessagesAfterAsync));
        reads.Select(c => (long)c.Arguments[1]!).ShouldBe([messages[2].Seq, messages[4].Seq, messages[6].Seq]);

        // The last round sent the same history as the next turn's first round, which reads the thread whole.
        (await bed.RunTurnAsync(session, "Question three")).Outcome.Status.ShouldBe(TurnStatus.Completed);
        var posts = bed.Requests("anthropic").Where(r => r.Method == "POST").ToList();
        posts.Count.ShouldBe(6);
        var lastRound = History(posts[4].BodyText);
        var wholeRead = History(posts[5].BodyText);
        lastRound.Count.ShouldBe(9);
        wholeRead.Count.ShouldBe(lastRound.Count + 2);
        for (var i = 0; i < lastRound.Count; i++)
        {
            JsonNode.DeepEquals(lastRound[i], wholeRead[i]).ShouldBeTrue($"message {i}: {lastRound[i]!.ToJsonString()} against {wholeRead[i]!.ToJsonString()}");
        }

        lastRound.ToJsonString().ShouldContain("gamma");
    }

    [Fact]
    public async Task Later_rounds_check_the_model_window_without_reading_the_auth_again()
    {
        // Tool results this long put the thread past the size where the compaction check needs the model's window.
        Func<RecordingService<IAuthStore>>? recorder = null;
        await using var bed = await SessionTestBed.CreateAsync(postgres, "window", services: s => recorder = Recording.Install<IAuthStore>(s));
        await File.WriteAllTextAsync(Path.Combine(bed.Workdir, "long.txt"), string.Concat(Enumerable.Repeat("a line of a long file\n", 400)));
        var session = await bed.CreateSessionAsync("anthropic", "window");
        var read = ScriptedResponse.FromToolCalls(ScriptedToolCall.Create("read_file", """{"path": "long.txt"}"""));
        bed.Script("anthropic", read, ScriptedResponse.FromText("Read."));
        (await bed.RunTurnAsync(session, "Read it")).Outcome.Rounds.ShouldBe(2);

        var calls = recorder!().Calls;
        bed.Script("anthropic", ScriptedResponse.FromText("It has 400 lines."));
        calls.Clear();
        (await bed.RunTurnAsync(session, "How long is it?")).Outcome.Rounds.ShouldBe(1);
        var oneRound = calls.Count;
        bed.Script("anthropic", read, read, read, ScriptedResponse.FromText("Read three times."));
        calls.Clear();
        (await bed.RunTurnAsync(session, "Read it three times")).Outcome.Rounds.ShouldBe(4);

        // Rounds use the connection the turn's start made: four rounds read the auth no more often than one.
        calls.Count.ShouldBe(oneRound, string.Join(", ", calls.Select(c => c.Method)));
    }

    /// <summary>The request's messages without cache breakpoints, which move with the end of the conversation.</summary>
    private static JsonArray History(string body)
    {
        var messages = JsonNode.Parse(body)!["messages"]!.AsArray();
        JsonTree.EachObject(messages, o => o.Remove("cache_control"));
        return messages;
    }
}
