using Maestro.Core.Auths;
using Maestro.Core.Errors;
using Maestro.Core.Models;
using Maestro.Core.Sessions;
using Maestro.Emulator;
using Microsoft.Extensions.Logging;

namespace Maestro.Web.Demo;

/// <summary>
/// "Try it offline": runs the provider emulator inside this process on a free loopback port (started on first use,
/// stopped with the server) and points a demo auth (<c>anthropic/demo</c>, any key works) and a demo session at it, so a
/// new user sees streaming, Markdown, usage and costs without a key. Running it again re-points the auth at the
/// emulator of this run (the port changes between runs) and keeps the session and its history.
/// </summary>
public sealed class OfflineDemo(AuthService auths, SessionService sessions, ModelCatalog models, ILoggerFactory loggerFactory) : IAsyncDisposable
{
    public const string Provider = "anthropic";
    public const string AuthName = "demo";
    public const string SessionName = "demo";

    /// <summary>Answers stream at about this many tokens a second, like a real model (not all at once).</summary>
    private const double TokensPerSecond = 60;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private EmulatorServer? _emulator;

    /// <summary>Whether the emulator runs in this process now.</summary>
    public bool Running => _emulator is not null;

    public async Task<DemoSetup> StartAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            _emulator ??= await EmulatorServer.StartAsync(
                new EmulatorOptions { TokensPerSecond = TokensPerSecond, LoggerFactory = loggerFactory }, cancellationToken);
            var baseUrl = _emulator.ProviderUrl(EmulatorProviders.Anthropic).ToString();
            var target = new AuthRef(Provider, AuthName);

            AuthRecord auth;
            try
            {
                auth = await auths.GetAsync(target, cancellationToken);
                if (auth.MetadataValue(AuthMetadata.BaseUrl) != baseUrl)
                {
                    auth = await auths.SetBaseUrlAsync(target, baseUrl, cancellationToken);
                }
            }
            catch (NotFoundException)
            {
                auth = await auths.CreateApiKeyAsync(Provider, AuthName, "demo-key-offline", baseUrl, cancellationToken);
            }

            models.Invalidate(auth.Id);
            Session session;
            try
            {
                session = await sessions.GetAsync(SessionName, cancellationToken);
            }
            catch (NotFoundException)
            {
                // No model named: the provider's documented default, resolved against the emulator's list.
                session = await sessions.CreateAsync(new SessionSpec
                {
                    Name = SessionName,
                    Auth = target.ToString(),
                    SystemPrompt = "This is Maestro's offline demo: answers come from the built-in provider emulator, not a real model.",
                }, cancellationToken);
            }

            return new DemoSetup(auth.Ref.ToString(), session.Name, _emulator.BaseUrl);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_emulator is { } emulator)
        {
            _emulator = null;
            await emulator.DisposeAsync();
        }

        _gate.Dispose();
    }
}

/// <param name="EmulatorUrl">Where the in-process emulator listens (loopback).</param>
public sealed record DemoSetup(string Auth, string Session, Uri EmulatorUrl);
