using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Maestro.Core.Conversations.Attachments;
using Maestro.Core.Errors;
using Maestro.Core.Providers;
using Maestro.Emulator;
using Maestro.Tests.Infrastructure;
using Microsoft.Extensions.AI;

namespace Maestro.Tests.Sessions;

/// <summary>
/// Images and text files attached to a message: checked before anything is sent (kind, size, count, what the provider
/// takes), sent as image and file blocks, kept with the message, from the API and the CLI.
/// </summary>
public sealed class AttachmentTests(PostgresFixture postgres) : IAsyncLifetime
{
    /// <summary>A 1×1 PNG.</summary>
    public static readonly byte[] Png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");

    private MaestroTestEnvironment _env = null!;
    private EmulatorServer _emulator = null!;
    private WebServer _server = null!;

    private HttpClient Http => _server.Client;

    public async ValueTask InitializeAsync()
    {
        _env = await MaestroTestEnvironment.CreateAsync(postgres, "attach");
        _emulator = await EmulatorServer.StartAsync(new EmulatorOptions());
        _server = await WebServer.StartAsync(_env);
        foreach (var (provider, emulated) in new[] { ("anthropic", EmulatorProviders.Anthropic), ("openai", EmulatorProviders.OpenAI), ("gemini", EmulatorProviders.Gemini) })
        {
            (await Http.PostAsJsonAsync("/api/auths", new
            {
                provider,
                name = "emu",
                api_key = "key-attach-" + provider,
                base_url = _emulator.ProviderUrl(emulated).ToString(),
            })).EnsureSuccessStatusCode();
            (await Http.PostAsJsonAsync("/api/sessions", new { name = "look-" + provider, auth = $"{provider}/emu", model = SessionTestBed.Models[provider] })).EnsureSuccessStatusCode();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _emulator.DisposeAsync();
        await _env.DisposeAsync();
    }

    [Fact]
    public void Files_are_read_by_their_content_and_refused_clearly()
    {
        var image = AttachedFiles.FromFile("/tmp/shot.png", Png);
        image.MediaType.ShouldBe("image/png");
        image.Name.ShouldBe("shot.png");
        AttachedFiles.FromFile("notes.md", Encoding.UTF8.GetBytes("# Notes\nä")).MediaType.ShouldBe("text/plain");

        Should.Throw<ValidationFailedException>(() => AttachedFiles.FromFile("a.bin", [0x00, 0x01, 0x02])).Message.ShouldContain("neither an image");
        Should.Throw<ValidationFailedException>(() => AttachedFiles.FromFile("empty.txt", [])).Message.ShouldContain("is empty");
        Should.Throw<ValidationFailedException>(() => AttachedFiles.FromFile("big.txt", Encoding.UTF8.GetBytes(new string('x', AttachedFiles.MaxTextBytes + 1))))
            .Message.ShouldContain("at most 512 KB");

        var textOnly = new ProviderDescriptor("plain", "Plain", [], new HashSet<string> { ProviderFeatures.Streaming, ProviderFeatures.TextFiles }, new Uri("http://localhost"));
        Should.Throw<ValidationFailedException>(() => AttachedFiles.Check([image], textOnly)).Message.ShouldContain("Plain does not take images");
        Should.Throw<ValidationFailedException>(() => AttachedFiles.Check(Enumerable.Repeat<AIContent>(image, 11).ToList(), textOnly)).Message.ShouldContain("at most 10");
    }

    [Theory]
    [InlineData("anthropic", "\"type\":\"image\"", "\"type\":\"document\"")]
    [InlineData("openai", "\"type\":\"input_image\"", "todo.txt")]
    [InlineData("gemini", "\"inlineData\"", "\"mimeType\":\"text/plain\"")]
    public async Task Attachments_go_to_the_provider_as_image_and_file_blocks_and_stay_with_the_message(string provider, string imageBlock, string fileBlock)
    {
        var key = "key-attach-" + provider;
        _emulator.Control.Enqueue(key, ScriptedResponse.FromText("A tiny image and a list."));
        var started = await Http.PostAsJsonAsync($"/api/sessions/look-{provider}/turns", new
        {
            text = "What are these?",
            attachments = new object[]
            {
                new { name = "pixel.png", data = Convert.ToBase64String(Png) },
                new { name = "todo.txt", data = Convert.ToBase64String(Encoding.UTF8.GetBytes("buy milk")) },
            },
        });
        started.StatusCode.ShouldBe(HttpStatusCode.Accepted, await started.Content.ReadAsStringAsync());
        await Eventually.UntilAsync(async () =>
            (await Http.GetFromJsonAsync<JsonElement>($"/api/sessions/look-{provider}")).GetProperty("running_turn_id").ValueKind == JsonValueKind.Null, "the turn");

        var sent = _emulator.Control.Requests(key).Last(r => r.Method == "POST").BodyText;
        sent.ShouldContain(imageBlock);
        sent.ShouldContain(fileBlock);
        sent.ShouldContain(provider == "gemini" ? Convert.ToBase64String(Encoding.UTF8.GetBytes("buy milk")) : "buy milk");
        var messages = await Http.GetFromJsonAsync<JsonElement>($"/api/sessions/look-{provider}/messages");
        var blocks = messages[0].GetProperty("blocks").EnumerateArray().Select(b => b.GetProperty("type").GetString()).ToList();
        blocks.ShouldBe(["text", "image", "file"]);
        var page = await Http.GetStringAsync($"/sessions/look-{provider}");
        page.ShouldContain("pixel.png (PNG, ");
        page.ShouldContain("todo.txt (text, 8 B)");
    }

    [Fact]
    public async Task A_file_that_cannot_be_attached_is_refused_before_anything_is_sent_or_saved()
    {
        var before = _emulator.Control.Requests("key-attach-anthropic").Count;
        var refused = await Http.PostAsJsonAsync("/api/sessions/look-anthropic/turns", new
        {
            text = "Look",
            attachments = new[] { new { name = "app.exe", data = Convert.ToBase64String([0x4D, 0x5A, 0x00, 0x00]) } },
        });
        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await refused.Content.ReadAsStringAsync()).ShouldContain("'app.exe' is neither an image");
        var bad = await Http.PostAsJsonAsync("/api/sessions/look-anthropic/turns", new { text = "Look", attachments = new[] { new { name = "x.png", data = "not base64!" } } });
        (await bad.Content.ReadAsStringAsync()).ShouldContain("attachments[0].data");
        _emulator.Control.Requests("key-attach-anthropic").Count.ShouldBe(before);
        (await Http.GetFromJsonAsync<JsonElement>("/api/sessions/look-anthropic/messages")).GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task The_cli_attaches_files_to_a_session_turn_and_a_one_off_chat()
    {
        var dir = TestHome.Create("attach-cli");
        var notes = Path.Combine(dir, "notes.txt");
        await File.WriteAllTextAsync(notes, "remember the deadline");
        var pixel = Path.Combine(dir, "pixel.png");
        await File.WriteAllBytesAsync(pixel, Png);
        _emulator.Control.Enqueue("key-attach-anthropic", ScriptedResponse.FromText("Noted."), ScriptedResponse.FromText("A pixel."));

        var turn = await CliRunner.RunAsync(_env, "chat", "--session", "look-anthropic", "--attach", notes, "Summarize");
        turn.ExitCode.ShouldBe(0, turn.ToString());
        _emulator.Control.Requests("key-attach-anthropic").Last(r => r.Method == "POST").BodyText.ShouldContain("remember the deadline");

        var oneOff = await CliRunner.RunAsync(_env, "chat", "anthropic/emu", "-a", pixel, "What is this?");
        oneOff.ExitCode.ShouldBe(0, oneOff.ToString());
        _emulator.Control.Requests("key-attach-anthropic").Last(r => r.Method == "POST").BodyText.ShouldContain(Convert.ToBase64String(Png));

        var missing = await CliRunner.RunAsync(_env, "chat", "anthropic/emu", "--attach", Path.Combine(dir, "nope.png"), "Hi");
        missing.ExitCode.ShouldNotBe(0);
        missing.Stderr.ShouldContain("There is no file");
    }
}
