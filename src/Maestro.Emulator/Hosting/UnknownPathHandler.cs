using Microsoft.AspNetCore.Http;

namespace Maestro.Emulator.Hosting;

/// <summary>
/// Any other path under a provider prefix: recorded (a wrong URL is exactly what a test wants to see) and answered
/// with the provider's not-found error.
/// </summary>
internal sealed class UnknownPathHandler(EmulatorServices services)
{
    public async Task HandleAsync(HttpContext context, string provider, IProviderAuth auth, IProviderErrors errors)
    {
        var body = await RequestRecorder.ReadBodyAsync(context.Request, context.RequestAborted);
        services.Recorder.Record(context, provider, auth.Authenticate(context.Request).Credential, model: null, body);
        RequestNotes.Of(context).Scenario = "unknown-path";
        await errors.UnknownPath($"{context.Request.Method} {context.Request.Path}").WriteAsync(context);
    }
}
