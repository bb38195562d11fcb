using Maestro.Core.Conversations;
using Maestro.Core.Sessions;
using Maestro.Core.Text;
using Maestro.Core.Turns;
using Maestro.Emulator;
using Maestro.Tests.Infrastructure;
using Microsoft.Extensions.AI;
using Npgsql;

namespace Maestro.Tests.Turns;

/// <summary>
/// What models and tools write is kept whatever it holds: NUL in text, reasoning, tool arguments and tool output is
/// stored visibly escaped (␀) and the turn goes on; a turn whose answer cannot be saved ends it as failed, with the
/// reason, never left "streaming".
/// </summary>
public sealed class HostileOutputTests(PostgresFixture postgres) : IAsyncLifetime
{
    private SessionTestBed _bed = null!;

    public async ValueTask InitializeAsync() => _bed = await SessionTestBed.CreateAsync(postgres, "hostile");

    public ValueTask DisposeAsync() => _bed.DisposeAsync();

    public static TheoryData<string> Providers => ["anthropic", "openai", "gemini"];

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Nul_in_text_reasoning_tool_arguments_and_shell_output_is_stored_escaped_and_the_turn_completes(string provider)
    {
        var session = await _bed.CreateSessionAsync(provider, $"nul-{provider}", new SessionSpec { Approve = "allow" });
        _bed.Script(provider,
            new ScriptedResponse
            {
                Reasoning = "think\0ing",
                Text = "Let me look\0.",
                ToolCalls =
                [
                    ScriptedToolCall.Create("shell", """{"command": "printf 'a\\000b'"}"""),
                    ScriptedToolCall.Create("read_file", """{"path": "x\u0000y.txt"}"""),
                ],
            },
            ScriptedResponse.FromText("done\0 here"));

        var (outcome, events) = await _bed.RunTurnAsync(session, "Print a NUL");

        outcome.Status.ShouldBe(TurnStatus.Completed, outcome.Error);
        var messages = await MessagesAsync(session);
        messages.Select(m => m.Role).ShouldBe([MessageRole.User, MessageRole.Assistant, MessageRole.Tool, MessageRole.Assistant]);
        messages.ShouldAllBe(m => m.Status == MessageStatus.Complete);

        var first = messages[1];
        first.Contents.OfType<TextReasoningContent>().Select(r => r.Text).ShouldContain("think␀ing");
        first.Text.ShouldBe("Let me look␀.");
        var calls = first.Contents.OfType<FunctionCallContent>().ToList();
        calls[1].Arguments!["path"]!.ToString().ShouldBe("x␀y.txt");

        var results = messages[2].Contents.OfType<FunctionResultContent>().Select(r => r.Result!.ToString()!).ToList();
        results[0].ShouldStartWith("a␀b");
        results[1].ShouldContain("NUL");
        messages[3].Text.ShouldBe("done␀ here");

        // Viewers saw the model's own characters live; only what is stored is escaped.
        string.Concat(events.Where(e => e.Type == "delta" && e.Delta!.Type == "text").Select(e => e.Delta!.Text)).ShouldContain("done\0 here");
        (await _bed.Get<ConversationService>().SearchAsync(session, "here", CancellationToken.None)).ShouldNotBeEmpty();
    }

    [Fact]
    public async Task A_turn_whose_answer_the_database_refuses_ends_its_message_as_failed_with_the_reason()
    {
        var session = await _bed.CreateSessionAsync("anthropic", "refused");
        _bed.Script("anthropic", ScriptedResponse.FromText("An answer the database will not take."));
        await using var connection = await postgres.OpenAsync(_bed.Env.DatabaseUrl);
        await ExecuteAsync(connection, """
            CREATE FUNCTION refuse_answers() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'could not extend file: No space left on device (simulated)'; END $$;
            CREATE TRIGGER refuse_answers BEFORE UPDATE ON messages FOR EACH ROW
                WHEN (NEW.role = 'assistant' AND NEW.status = 'complete') EXECUTE FUNCTION refuse_answers();
            """);
        try
        {
            var (outcome, events) = await _bed.RunTurnAsync(session, "Hello");

            outcome.Status.ShouldBe(TurnStatus.Failed);
            outcome.Error!.ShouldContain("could not be saved");
            var answer = (await MessagesAsync(session))[1];
            answer.Status.ShouldBe(MessageStatus.Error);
            answer.Error!.ShouldContain("No space left on device (simulated)");
            events.Last(e => e.Type == "message_finished").Message!.Status.ShouldBe("error");
            (await _bed.Get<ITurnStore>().GetAsync(events[0].TurnId!.Value, CancellationToken.None))!.Status.ShouldBe(TurnStatus.Failed);
        }
        finally
        {
            await ExecuteAsync(connection, "DROP TRIGGER refuse_answers ON messages; DROP FUNCTION refuse_answers();");
        }
    }

    [Fact]
    public void Escaping_keeps_clean_text_as_it_is_and_marks_what_postgres_cannot_hold()
    {
        const string clean = "plain text, é and 😀 (a surrogate pair)";
        ReferenceEquals(StorableText.Escape(clean), clean).ShouldBeTrue();
        StorableText.Escape("a\0b\ud83dc\ude00").ShouldBe("a␀b�c�");
        StorableText.Problem("ok 😀").ShouldBeNull();
        StorableText.Problem("a\0")!.ShouldContain("NUL");
        StorableText.Problem("\ud83d")!.ShouldContain("surrogate");

        StorableText.EscapeJson("""{"t":"a\u0000b","l":"\ud83d","p":"\ud83d\ude00","x":"\\u0000 stays text"}""")
            .ShouldBe("""{"t":"a\u2400b","l":"\uFFFD","p":"\ud83d\ude00","x":"\\u0000 stays text"}""");
        const string json = """{"t":"no escapes that matter \n\u00e9"}""";
        ReferenceEquals(StorableText.EscapeJson(json), json).ShouldBeTrue();
    }

    private async Task<IReadOnlyList<ConversationMessage>> MessagesAsync(Session session)
    {
        var fresh = await _bed.Get<SessionService>().GetAsync(session.Id, CancellationToken.None);
        return await _bed.Get<ConversationService>().MessagesAsync(fresh, null, null, 100, CancellationToken.None);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
