using System.Text.Json;
using Maestro.Core.Prompts;
using Maestro.Core.Sessions;
using Maestro.Core.Turns;
using Maestro.Emulator;
using Maestro.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Maestro.Tests.Turns;

/// <summary>
/// A turn reads its session's prompt stack once, in one read, and tells the model the same system prompt in every
/// round; an edit made while the turn runs reaches the next turn.
/// </summary>
public sealed class TurnPromptStackTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_turn_reads_the_stack_once_and_every_round_gets_the_same_system_prompt_until_the_next_turn()
    {
        Func<RecordingService<IPromptStore>>? recorder = null;
        await using var bed = await SessionTestBed.CreateAsync(postgres, "turn-prompts", services: s => recorder = Recording.Install<IPromptStore>(s));
        var prompts = bed.Get<PromptService>();
        await prompts.CreateAsync("pirate", "persona", null, "PERSONA-V1: talk like a pirate.", Ct);
        await prompts.AddVersionAsync("pirate", "PERSONA-V2: talk like a parrot.", Ct);
        await prompts.CreateAsync("style", "system", null, "STYLE-V1: answer in one line.", Ct);
        await File.WriteAllTextAsync(Path.Combine(bed.Workdir, "a.txt"), "alpha\n", Ct);
        var session = await bed.CreateSessionAsync("anthropic", "stacked", new SessionSpec
        {
            Prompts = ["pirate@1", "style"],
            ToolPolicies = new Dictionary<string, string> { ["write_file"] = "ask" },
        });

        bed.Script("anthropic",
            ScriptedResponse.FromToolCalls(ScriptedToolCall.Create("read_file", """{"path": "a.txt"}""")),
            ScriptedResponse.FromToolCalls(ScriptedToolCall.Create("write_file", JsonSerializer.Serialize(new { path = "b.txt", content = "beta\n" }))),
            ScriptedResponse.FromText("Done."),
            ScriptedResponse.FromText("Next."));

        // The second round's call waits for approval; meanwhile the unpinned prompt gets a new version.
        var calls = recorder!().Calls;
        calls.Clear();
        var approvals = new EditThenApprove(() => prompts.AddVersionAsync("style", "STYLE-V2: answer in two lines.", Ct));
        var (outcome, _) = await bed.RunTurnAsync(session, "Read a, then write b", approvals);
        outcome.Status.ShouldBe(TurnStatus.Completed);
        outcome.Rounds.ShouldBe(3);
        approvals.Asked.ShouldBe(1);

        calls.Where(c => c.Method == nameof(IPromptStore.ContentsAsync)).Count().ShouldBe(1, string.Join(", ", calls.Select(c => c.Method)));
        calls.ShouldAllBe(c => c.Method == nameof(IPromptStore.ContentsAsync) || c.Method == nameof(IPromptStore.AddVersionAsync)
            || c.Method == nameof(IPromptStore.FindAsync) || c.Method == nameof(IPromptStore.GetAsync));

        var systems = bed.Requests("anthropic").Where(r => r.Method == "POST").Select(r => r.Json!.Value.GetProperty("system").ToString()).ToList();
        systems.Count.ShouldBe(3);
        systems.Distinct().Count().ShouldBe(1, "every round of a turn tells the model the same system prompt");
        systems[0].ShouldContain("PERSONA-V1");
        systems[0].ShouldContain("STYLE-V1");
        systems[0].IndexOf("PERSONA-V1", StringComparison.Ordinal).ShouldBeLessThan(systems[0].IndexOf("STYLE-V1", StringComparison.Ordinal));

        (await bed.RunTurnAsync(session, "Again")).Outcome.Status.ShouldBe(TurnStatus.Completed);
        var next = bed.Requests("anthropic").Last(r => r.Method == "POST").Json!.Value.GetProperty("system").ToString();
        next.ShouldContain("PERSONA-V1");
        next.ShouldContain("STYLE-V2");
        next.ShouldNotContain("STYLE-V1");
    }

    [Fact]
    public async Task The_store_gives_each_stack_its_texts_in_order_and_null_for_what_no_longer_exists()
    {
        await using var env = await MaestroTestEnvironment.CreateAsync(postgres, "prompt-stacks");
        var services = env.Services();
        var prompts = services.GetRequiredService<PromptService>();
        var store = services.GetRequiredService<IPromptStore>();
        var one = await prompts.CreateAsync("one", "system", null, "one v1", Ct);
        await prompts.AddVersionAsync("one", "one v2", Ct);
        var two = await prompts.CreateAsync("two", "persona", null, "two v1", Ct);
        var gone = await prompts.CreateAsync("gone", "system", null, "gone v1", Ct);
        await prompts.DeleteAsync("gone", Ct);

        (await store.ContentsAsync([], Ct)).ShouldBeEmpty();
        (await store.ContentsAsync(
            [new PromptRef(two.Id, null), new PromptRef(one.Id, 1), new PromptRef(gone.Id, null), new PromptRef(one.Id, null), new PromptRef(one.Id, 7)], Ct))
            .ShouldBe(["two v1", "one v1", null, "one v2", null]);

        // Stacks read at the same moment share round trips; each still gets its own texts.
        IReadOnlyList<PromptRef>[] kinds =
        [
            [new PromptRef(one.Id, 1)],
            [new PromptRef(two.Id, null), new PromptRef(one.Id, null)],
            [new PromptRef(one.Id, 2), new PromptRef(one.Id, 1), new PromptRef(two.Id, 1)],
        ];
        string?[][] expected = [["one v1"], ["two v1", "one v2"], ["one v2", "one v1", "two v1"]];
        var stacks = Enumerable.Range(0, 60).Select(i => kinds[i % 3]).ToList();
        var read = await Task.WhenAll(stacks.Select(s => store.ContentsAsync(s, Ct)));
        for (var i = 0; i < read.Length; i++)
        {
            read[i].ShouldBe(expected[i % 3], $"stack {i}");
        }
    }

    /// <summary>Runs an edit while the turn waits for its one approval, then approves.</summary>
    private sealed class EditThenApprove(Func<Task> edit) : IApprovalHandler
    {
        public int Asked { get; private set; }

        public async Task<ApprovalStatus> DecideAsync(PendingApproval pending, CancellationToken cancellationToken)
        {
            Asked++;
            await edit();
            return ApprovalStatus.Approved;
        }
    }
}
