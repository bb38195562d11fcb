using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Threading.Channels;
using Maestro.Emulator;
using Maestro.Tests.Infrastructure;

namespace Maestro.Tests.Operations;

/// <summary>
/// The nginx configuration of docs/operations.md, run as written (only addresses and certificate paths changed) in
/// front of two Maestro instances on one database: TLS works, server-sent events pass one by one (a turn that waits for
/// an approval has its approval_requested event delivered, which a buffering proxy would hold back), and requests of one
/// conversation spread over both instances without sticky sessions.
/// </summary>
public sealed class ReverseProxyTests(PostgresFixture postgres)
{
    private const string Nginx = "/usr/sbin/nginx";
    private const string PublicHost = "maestro.example.com";

    [Fact]
    public async Task The_guides_nginx_configuration_terminates_tls_streams_events_unbuffered_and_balances_two_instances()
    {
        if (!File.Exists(Nginx))
        {
            Assert.Skip("nginx is not installed (apt-get install nginx; ./scripts/test installs it).");
        }

        await using var bed = await SessionTestBed.CreateAsync(postgres, "proxy");
        // The guide's production settings for a proxy on the same machine.
        bed.Env.Settings["MAESTRO_ALLOWED_HOSTS"] = PublicHost;
        bed.Env.Settings["MAESTRO_PUBLIC_URL"] = $"https://{PublicHost}";
        bed.Env.Settings["MAESTRO_TRUSTED_PROXIES"] = "127.0.0.1";
        await using var first = await WebServer.StartAsync(bed.Env);
        await using var second = await WebServer.StartAsync(bed.Env);

        var dir = TestHome.Create("nginx");
        try
        {
            var (tlsPort, plainPort, certificate) = WriteConfiguration(dir, first.BaseUrl.Port, second.BaseUrl.Port);
            var check = CliProcess.StartExecutable(Nginx, new Dictionary<string, string?>(), "-t", "-p", dir, "-c", Path.Combine(dir, "nginx.conf"));
            await using (check)
            {
                (await check.WaitForExitAsync()).ShouldBe(0, check.Output);
            }

            await using var nginx = CliProcess.StartExecutable(Nginx, new Dictionary<string, string?>(), "-p", dir, "-c", Path.Combine(dir, "nginx.conf"));
            await WaitForPortAsync(tlsPort, nginx);

            using var handler = new HttpClientHandler
            {
                // Trust exactly the certificate this test made, nothing else.
                ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert?.Thumbprint == certificate.Thumbprint,
            };
            using var proxy = new HttpClient(handler) { BaseAddress = new Uri($"https://127.0.0.1:{tlsPort}") };
            proxy.DefaultRequestHeaders.Host = $"{PublicHost}:{tlsPort}";
            proxy.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", first.AccessToken);

            // Plain HTTP is sent to HTTPS.
            using (var plain = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }))
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{plainPort}/");
                request.Headers.Host = PublicHost;
                using var redirect = await plain.SendAsync(request);
                redirect.StatusCode.ShouldBe(HttpStatusCode.MovedPermanently);
                redirect.Headers.Location!.ToString().ShouldStartWith($"https://{PublicHost}/");
            }

            (await proxy.GetStringAsync("/health")).ShouldContain("\"status\":\"ok\"");
            await SignInThroughTheProxyAsync(tlsPort, certificate, first.AccessToken!);
            var created = await proxy.PostAsJsonAsync("/api/sessions", new { name = "proxied", auth = "anthropic/bed", model = SessionTestBed.Models["anthropic"], working_directory = bed.Workdir });
            created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());

            // Two viewers through the proxy (round robin: one per instance), connected before the turn starts.
            using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            var viewers = new[] { Follow(proxy, stop.Token), Follow(proxy, stop.Token) };
            foreach (var viewer in viewers)
            {
                await viewer.NextAsync("snapshot", stop.Token);
            }

            bed.Script("anthropic",
                ScriptedResponse.FromToolCalls(ScriptedToolCall.Create("write_file", """{"path": "proxied.txt", "content": "through nginx"}""")),
                ScriptedResponse.FromText("Written through the proxy."));
            (await proxy.PostAsJsonAsync("/api/sessions/proxied/turns", new { text = "Write the file" })).StatusCode.ShouldBe(HttpStatusCode.Accepted);

            // The turn now waits for a decision: only an unbuffered proxy lets this event through while it waits.
            foreach (var viewer in viewers)
            {
                await viewer.NextAsync("approval_requested", stop.Token);
            }

            string id;
            using (var pending = JsonDocument.Parse(await proxy.GetStringAsync("/api/sessions/proxied/approvals")))
            {
                id = pending.RootElement[0].GetProperty("id").GetString()!;
            }

            (await proxy.PostAsJsonAsync($"/api/sessions/proxied/approvals/{id}", new { decision = "approve" })).EnsureSuccessStatusCode();
            foreach (var viewer in viewers)
            {
                await viewer.NextAsync("turn_finished", stop.Token);
            }

            File.ReadAllText(Path.Combine(bed.Workdir, "proxied.txt")).ShouldBe("through nginx");
            await stop.CancelAsync();
            foreach (var viewer in viewers)
            {
                await viewer.Reading;
            }

            // Both instances served this one conversation's requests.
            var upstreams = await UpstreamsAsync(dir, nginx);
            upstreams.ShouldContain($"127.0.0.1:{first.BaseUrl.Port}");
            upstreams.ShouldContain($"127.0.0.1:{second.BaseUrl.Port}");
            (await nginx.StopAsync()).ShouldBe(0, nginx.Output);
        }
        finally
        {
            TestHome.Delete(dir);
        }
    }

    /// <summary>
    /// A browser signs in through the proxy: nginx's X-Forwarded-Proto and MAESTRO_PUBLIC_URL make the session cookie a
    /// Secure __Host- cookie, and the browser's Origin (with the port) matches the Host nginx passes on.
    /// </summary>
    private static async Task SignInThroughTheProxyAsync(int tlsPort, X509Certificate2 certificate, string token)
    {
        var cookies = new CookieContainer();
        using var handler = new HttpClientHandler
        {
            CookieContainer = cookies,
            AllowAutoRedirect = false,
            ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert?.Thumbprint == certificate.Thumbprint,
        };
        using var browser = new HttpClient(handler) { BaseAddress = new Uri($"https://127.0.0.1:{tlsPort}") };
        browser.DefaultRequestHeaders.Host = $"{PublicHost}:{tlsPort}";
        using (var unauthenticated = await browser.GetAsync("/api/sessions"))
        {
            unauthenticated.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }

        using var login = new HttpRequestMessage(HttpMethod.Post, "/login") { Content = new FormUrlEncodedContent([new("secret", token)]) };
        login.Headers.Add("Origin", $"https://{PublicHost}:{tlsPort}");
        using var signedIn = await browser.SendAsync(login);
        signedIn.StatusCode.ShouldBe(HttpStatusCode.OK, await signedIn.Content.ReadAsStringAsync());
        var cookie = signedIn.Headers.GetValues("Set-Cookie").Single();
        cookie.ShouldStartWith("__Host-");
        cookie.ShouldContain("secure", Case.Insensitive);
        using var page = await browser.GetAsync("/");
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    /// <summary>
    /// Writes docs/operations.md's nginx block with this test's ports and certificate, inside a minimal nginx.conf.
    /// Every replacement must find its text: if the guide changes, this test says what it no longer finds.
    /// </summary>
    private static (int Tls, int Plain, X509Certificate2 Certificate) WriteConfiguration(string dir, int instanceA, int instanceB)
    {
        var guide = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "operations.md"));
        var block = guide[guide.IndexOf("<!-- nginx:begin", StringComparison.Ordinal)..guide.IndexOf("<!-- nginx:end -->", StringComparison.Ordinal)];
        var snippet = block[(block.IndexOf("```nginx\n", StringComparison.Ordinal) + "```nginx\n".Length)..block.LastIndexOf("```", StringComparison.Ordinal)];

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={PublicHost}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(PublicHost);
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllText(Path.Combine(dir, "fullchain.pem"), certificate.ExportCertificatePem());
        File.WriteAllText(Path.Combine(dir, "privkey.pem"), key.ExportPkcs8PrivateKeyPem());

        var tls = CliProcess.FreePort();
        var plain = CliProcess.FreePort();
        var config = Replace(snippet, "    server 127.0.0.1:4000;\n", $"    server 127.0.0.1:{instanceA};\n    server 127.0.0.1:{instanceB};\n");
        config = Replace(config, "listen 443 ssl http2;", $"listen 127.0.0.1:{tls} ssl http2;");
        config = Replace(config, "listen 80;", $"listen 127.0.0.1:{plain};");
        config = Replace(config, $"/etc/letsencrypt/live/{PublicHost}/fullchain.pem", Path.Combine(dir, "fullchain.pem"));
        config = Replace(config, $"/etc/letsencrypt/live/{PublicHost}/privkey.pem", Path.Combine(dir, "privkey.pem"));
        File.WriteAllText(Path.Combine(dir, "maestro.conf"), config);
        File.WriteAllText(Path.Combine(dir, "nginx.conf"), $$"""
            user root;
            worker_processes 1;
            daemon off;
            pid {{dir}}/nginx.pid;
            error_log {{dir}}/error.log warn;
            events { worker_connections 256; }
            http {
                log_format upstreams '$request_method $request_uri $upstream_addr';
                access_log {{dir}}/access.log upstreams;
                client_body_temp_path {{dir}}/body;
                proxy_temp_path {{dir}}/proxy;
                fastcgi_temp_path {{dir}}/fastcgi;
                uwsgi_temp_path {{dir}}/uwsgi;
                scgi_temp_path {{dir}}/scgi;
                include {{dir}}/maestro.conf;
            }
            """);
        return (tls, plain, certificate);
    }

    private static string Replace(string text, string find, string with)
    {
        text.ShouldContain(find, Case.Sensitive, $"docs/operations.md's nginx block no longer contains '{find.Trim()}'");
        return text.Replace(find, with, StringComparison.Ordinal);
    }

    private static Viewer Follow(HttpClient http, CancellationToken cancellationToken)
    {
        var events = Channel.CreateUnbounded<SseClient.Event>();
        var reading = Task.Run(async () =>
        {
            try
            {
                await foreach (var e in SseClient.ReadAsync(http, "/api/sessions/proxied/events", null, cancellationToken))
                {
                    await events.Writer.WriteAsync(e, cancellationToken);
                }
            }
            catch (OperationCanceledException)
            {
            }
            finally
            {
                events.Writer.TryComplete();
            }
        }, CancellationToken.None);
        return new Viewer(events.Reader, reading);
    }

    private sealed record Viewer(ChannelReader<SseClient.Event> Events, Task Reading)
    {
        public async Task<JsonElement> NextAsync(string type, CancellationToken cancellationToken)
        {
            await foreach (var e in Events.ReadAllAsync(cancellationToken))
            {
                if (e.Type == type)
                {
                    return e.Data;
                }
            }

            throw new InvalidOperationException($"The event stream ended before a '{type}' event.");
        }
    }

    private static async Task WaitForPortAsync(int port, CliProcess nginx)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !nginx.HasExited)
            {
                await Task.Delay(50);
            }
        }
    }

    /// <summary>The upstream addresses nginx logged (a request is logged when it ends).</summary>
    private static async Task<HashSet<string>> UpstreamsAsync(string dir, CliProcess nginx)
    {
        var log = Path.Combine(dir, "access.log");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var lines = File.Exists(log) ? await File.ReadAllLinesAsync(log) : [];
            if (lines.Count(l => l.Contains("/events", StringComparison.Ordinal)) >= 2 || DateTime.UtcNow > deadline)
            {
                return lines.Select(l => l.Split(' ')[^1]).Where(a => a.Contains(':', StringComparison.Ordinal)).ToHashSet();
            }

            nginx.HasExited.ShouldBeFalse(nginx.Output);
            await Task.Delay(50);
        }
    }
}
