using System.Net;
using Maestro.Core.Errors;
using Maestro.Tests.Infrastructure;
using Maestro.Web;

namespace Maestro.Tests.Web;

/// <summary>Authentication can be turned off only on loopback.</summary>
public sealed class ExposureTests(PostgresFixture postgres) : IAsyncLifetime
{
    private MaestroTestEnvironment _env = null!;

    public async ValueTask InitializeAsync() => _env = await MaestroTestEnvironment.CreateAsync(postgres, "exposure");

    public async ValueTask DisposeAsync() => await _env.DisposeAsync();

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    [InlineData("192.168.1.10")]
    public void Without_authentication_a_non_loopback_address_is_refused(string host)
    {
        var flag = Should.Throw<MaestroException>(() => MaestroWebApp.Build(new WebServerOptions(Port: 0, Host: host, NoAuth: true), _env.Configuration()));
        flag.Message.ShouldBe($"Authentication cannot be turned off while listening on {host}: anyone who can reach that address could read your auths and run commands on this machine.");
        flag.Hint.ShouldBe("Remove --no-auth (or MAESTRO_AUTH=off), or listen on 127.0.0.1 only.");

        _env.Settings["MAESTRO_AUTH"] = "off";
        Should.Throw<MaestroException>(() => MaestroWebApp.Build(new WebServerOptions(Port: 0, Host: host), _env.Configuration()))
            .Message.ShouldStartWith("Authentication cannot be turned off");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task On_loopback_authentication_can_be_turned_off(bool byEnvironment)
    {
        const string host = "127.0.0.1";
        if (byEnvironment)
        {
            _env.Settings["MAESTRO_AUTH"] = "off";
        }

        await using var server = await WebServer.StartAsync(_env, new WebServerOptions(Port: 0, Host: host, NoAuth: !byEnvironment));
        server.AccessToken.ShouldBeNull("no token file is made when nobody needs one");
        using var anonymous = server.Anonymous();
        (await anonymous.GetAsync("/api/providers", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await anonymous.GetAsync("/", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await anonymous.GetStringAsync("/health", Ct)).ShouldContain("\"database\"");
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.8.9.10", true)]
    [InlineData("::1", true)]
    [InlineData("localhost", true)]
    [InlineData("0.0.0.0", false)]
    [InlineData("::", false)]
    [InlineData("10.0.0.1", false)]
    public void Loopback_means_this_machine_only(string host, bool loopback) =>
        Maestro.Web.Access.ExposureRules.IsLoopback(host).ShouldBe(loopback);

    [Fact]
    public void A_malformed_MAESTRO_AUTH_is_reported_by_name()
    {
        _env.Settings["MAESTRO_AUTH"] = "maybe";
        Should.Throw<MaestroException>(() => MaestroWebApp.Build(new WebServerOptions(Port: 0), _env.Configuration()))
            .Message.ShouldBe("MAESTRO_AUTH='maybe' is not a yes/no value.");
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;
}
