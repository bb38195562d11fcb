using Microsoft.AspNetCore.Http;

namespace Maestro.Emulator.Hosting;

/// <summary>What a handler learned about a request (model, scenario), for the one log line written when it ends.</summary>
internal sealed class RequestNotes
{
    public string? Model { get; set; }

    public string? Scenario { get; set; }

    public static RequestNotes Of(HttpContext context)
    {
        if (context.Items.TryGetValue(typeof(RequestNotes), out var value) && value is RequestNotes notes)
        {
            return notes;
        }

        notes = new RequestNotes();
        context.Items[typeof(RequestNotes)] = notes;
        return notes;
    }
}
