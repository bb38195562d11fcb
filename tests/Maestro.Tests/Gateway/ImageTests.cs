using System.Text.Json;
using Anthropic.Models.Messages;
using Maestro.Emulator;
using Maestro.Tests.Infrastructure;
using OpenAI.Chat;
using OpenAI.Responses;

#pragma warning disable OPENAI001 // The Responses client is marked experimental in this SDK version.

namespace Maestro.Tests.Gateway;

/// <summary>An image sent in each client's form reaches every kind of provider in the provider's own form.</summary>
public sealed class ImageTests(PostgresFixture postgres) : IAsyncLifetime
{
    /// <summary>A 1×1 PNG.</summary>
    private const string Png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

    private GatewayTestBed _bed = null!;

    public async ValueTask InitializeAsync() => _bed = await GatewayTestBed.StartAsync(postgres, "gwimage");

    public async ValueTask DisposeAsync() => await _bed.DisposeAsync();

    public static TheoryData<string, string> Targets => ChatCompletionsSdkTests.Targets;

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Chat_completions_image_parts(string auth, string model)
    {
        _bed.Script(auth, ScriptedResponse.FromText("A pixel."));
        var client = _bed.OpenAI().GetChatClient($"{auth}/{model}");
        var message = new UserChatMessage(
            ChatMessageContentPart.CreateTextPart("What is this?"),
            ChatMessageContentPart.CreateImagePart(BinaryData.FromBytes(Convert.FromBase64String(Png)), "image/png"));

        var answer = (await client.CompleteChatAsync([message], cancellationToken: TestContext.Current.CancellationToken)).Value;

        answer.Content[0].Text.ShouldBe("A pixel.");
        AssertImageReached(auth);
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Responses_input_images(string auth, string model)
    {
        _bed.Script(auth, ScriptedResponse.FromText("A pixel."));
        var client = _bed.Responses();
        var input = ResponseItem.CreateUserMessageItem([
            ResponseContentPart.CreateInputTextPart("What is this?"),
            ResponseContentPart.CreateInputImagePart(BinaryData.FromBytes(Convert.FromBase64String(Png), "image/png"))]);

        var answer = (await client.CreateResponseAsync(new CreateResponseOptions($"{auth}/{model}", [input]), TestContext.Current.CancellationToken)).Value;

        answer.GetOutputText().ShouldBe("A pixel.");
        AssertImageReached(auth);
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Messages_image_blocks(string auth, string model)
    {
        _bed.Script(auth, ScriptedResponse.FromText("A pixel."));
        using var client = _bed.Anthropic();
        var message = new MessageParam(JsonDocument.Parse($$$"""
            {"role":"user","content":[{"type":"text","text":"What is this?"},{"type":"image","source":{"type":"base64","media_type":"image/png","data":"{{{Png}}}"}}]}
            """).RootElement);

        var answer = await client.Messages.Create(
            new MessageCreateParams { Model = $"{auth}/{model}", MaxTokens = 256, Messages = [message] }, TestContext.Current.CancellationToken);

        answer.Content[0].TryPickText(out var text).ShouldBeTrue();
        text!.Text.ShouldBe("A pixel.");
        AssertImageReached(auth);
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Generate_content_inline_data(string auth, string model)
    {
        _bed.Script(auth, ScriptedResponse.FromText("A pixel."));
        using var http = _bed.Gemini();

        using var response = await http.PostAsync($"/v1beta/models/{auth}/{model}:generateContent", GenerateContentTests.Json($$$"""
            {"contents":[{"role":"user","parts":[{"text":"What is this?"},{"inlineData":{"mimeType":"image/png","data":"{{{Png}}}"}}]}]}
            """), TestContext.Current.CancellationToken);

        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(System.Net.HttpStatusCode.OK, body);
        GenerateContentTests.Text([JsonDocument.Parse(body).RootElement]).ShouldBe("A pixel.");
        AssertImageReached(auth);
    }

    /// <summary>The provider got the image's bytes, in its own shape (a data URL, an image block, inline data).</summary>
    private void AssertImageReached(string auth)
    {
        var strings = Strings(_bed.Generations(auth)[^1].Json!.Value).ToList();
        strings.ShouldContain(s => s.Contains(Png.TrimEnd('='), StringComparison.Ordinal), "the image's bytes");
        strings.ShouldContain(s => s.Contains("image/png", StringComparison.Ordinal), "its media type");
    }

    /// <summary>Every string value in a JSON document, unescaped.</summary>
    private static IEnumerable<string> Strings(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => [element.GetString()!],
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => Strings(p.Value)),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(Strings),
        _ => [],
    };
}
