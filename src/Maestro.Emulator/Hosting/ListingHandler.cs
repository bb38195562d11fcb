using Microsoft.AspNetCore.Http;

namespace Maestro.Emulator.Hosting;

/// <summary>The path of the read-only provider endpoints (model lists): check the credential, record, answer.</summary>
internal sealed class ListingHandler(EmulatorServices services)
{
    public async Task HandleAsync(HttpContext context, string provider, IProviderAuth auth, Func<HttpRequest, JsonReply> answer)
    {
        var outcome = auth.Authenticate(context.Request);
        services.Recorder.Record(context, provider, outcome.Credential, model: null, ReadOnlyMemory<byte>.Empty);
        var notes = RequestNotes.Of(context);
        if (outcome.Error is { } error)
        {
            notes.Scenario = "auth";
            await error.WriteAsync(context);
            return;
        }

        notes.Scenario = "models";
        await answer(context.Request).WriteAsync(context);
    }
}
