using System.Net;
using Maestro.Core.Errors;
using Maestro.Core.Providers.Http;
using Maestro.Emulator;
using Maestro.Tests.Emulator;
using Maestro.Tests.Infrastructure;
using Microsoft.Extensions.AI;

namespace Maestro.Tests.Providers.Http;

/// <summary>MAESTRO_PROVIDER_HTTP_VERSION: what it accepts, what it asks of each request, and streams over HTTP/2.</summary>
public sealed class HttpVersionHandlerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(null, "1.1")]
    [InlineData("1.1", "1.1")]
    [InlineData("2", "2.0")]
    [InlineData("2.0", "2.0")]
    public void Parses_the_versions_it_speaks(string? text, string expected) =>
        HttpVersionHandler.Parse("MAESTRO_PROVIDER_HTTP_VERSION", text).ShouldBe(Version.Parse(expected));

    [Theory]
    [InlineData("3")]
    [InlineData("1.0")]
    [InlineData("h2")]
    public void Refuses_any_other_version_naming_the_setting_and_what_it_takes(string text)
    {
        var error = Should.Throw<MaestroException>(() => HttpVersionHandler.Parse("MAESTRO_PROVIDER_HTTP_VERSION", text));
        error.Message.ShouldBe($"MAESTRO_PROVIDER_HTTP_VERSION='{text}' is not an HTTP version Maestro speaks to providers.");
        error.Hint.ShouldNotBeNull().ShouldContain("1.1 (the default) or 2");
    }

    [Theory]
    [InlineData("https://api.example.com/v1/messages", HttpVersionPolicy.RequestVersionOrLower)]
    [InlineData("http://127.0.0.1:4010/anthropic/v1/messages", HttpVersionPolicy.RequestVersionExact)]
    public async Task Asks_for_http2_negotiated_over_tls_and_spoken_outright_over_plain_http(string url, HttpVersionPolicy policy)
    {
        var seen = new SeenRequest();
        using var http = new HttpClient(new HttpVersionHandler(HttpVersion.Version20) { InnerHandler = seen });
        using var response = await http.PostAsync(url, new StringContent("{}"), Ct);
        seen.Version.ShouldBe(HttpVersion.Version20);
        seen.Policy.ShouldBe(policy);
    }

    [Fact]
    public void The_handler_is_in_the_chain_only_when_asked()
    {
        static IReadOnlyList<DelegatingHandler> Chain(Version version) => ProviderHttpHandlers.Create(
            new ProviderRuntime(new ProviderRuntimeOptions { HttpVersion = version }, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance),
            httpDebug: false);

        Chain(HttpVersion.Version11).OfType<HttpVersionHandler>().ShouldBeEmpty();
        // Innermost: the layers above it (retries, credentials) see the request as the caller built it.
        Chain(HttpVersion.Version20)[^1].ShouldBeOfType<HttpVersionHandler>();
    }

    [Fact]
    public async Task Streams_share_one_http2_connection_to_an_emulator_that_speaks_only_http2()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Http2 = true }, Ct);
        var key = $"h2-{Guid.NewGuid():N}";
        var options = new ProviderRuntimeOptions { HttpVersion = HttpVersion.Version20, CircuitBreaker = false };
        var connection = TestConnections.Create("anthropic", emulator.ProviderUrl(EmulatorProviders.Anthropic),
            new Maestro.Core.Auths.AuthCredentials { ApiKey = key }, options, new SocketsHttpHandler { EnableMultipleHttp2Connections = true });
        var client = new Maestro.Providers.Anthropic.AnthropicProvider(new Maestro.Providers.Anthropic.AnthropicOptions
        {
            BaseUrl = emulator.ProviderUrl(EmulatorProviders.Anthropic),
        }).CreateChatClient(connection);

        async Task<string> AnswerAsync()
        {
            var text = new System.Text.StringBuilder();
            await foreach (var update in client.GetStreamingResponseAsync([new(ChatRole.User, "Hello")], new ChatOptions { ModelId = "synthetic:40@400" }, Ct))
            {
                text.Append(update.Text);
            }

            return text.ToString();
        }

        // One stream opens the connection; the next ten, all at once, fit in its streams (100 on Kestrel).
        var first = await AnswerAsync();
        var rest = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => AnswerAsync()));

        first.ShouldNotBeNullOrWhiteSpace();
        rest.ShouldAllBe(answer => answer == first);
        var requests = emulator.Control.Requests(key);
        requests.Count.ShouldBe(11);
        requests.ShouldAllBe(r => r.Protocol == "HTTP/2");
        requests.Select(r => r.Connection).Distinct().Count().ShouldBe(1);
    }

    [Fact]
    public async Task An_emulator_started_for_http2_refuses_http11_saying_why()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Http2 = true }, Ct);
        using var http = new HttpClient();
        using var h2 = new HttpRequestMessage(HttpMethod.Get, new Uri(emulator.BaseUrl, "/_emulator/health"))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        using var answer = await http.SendAsync(h2, Ct);
        answer.StatusCode.ShouldBe(HttpStatusCode.OK);
        answer.Version.ShouldBe(HttpVersion.Version20);

        // A server left at HTTP/1.1 gets a 400 that says why (Kestrel's), not a hang.
        using var refused = await http.GetAsync(new Uri(emulator.BaseUrl, "/_emulator/health"), Ct);
        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await refused.Content.ReadAsStringAsync(Ct)).ShouldContain("HTTP/2");
    }

    private sealed class SeenRequest : HttpMessageHandler
    {
        public Version? Version { get; private set; }

        public HttpVersionPolicy? Policy { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Version = request.Version;
            Policy = request.VersionPolicy;
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
        }
    }
}
