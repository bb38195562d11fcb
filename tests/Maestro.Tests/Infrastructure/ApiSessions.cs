using System.Net;
using System.Net.Http.Json;

namespace Maestro.Tests.Infrastructure;

/// <summary>Sessions made over the REST API, as a client makes them, for tests of many turns at once.</summary>
public static class ApiSessions
{
    /// <summary>
    /// <paramref name="count"/> sessions named <c>{prefix}-000</c>… on the bed's Anthropic auth, with an emulator model
    /// (forced: scripted models are served but never listed), twenty requests in flight.
    /// </summary>
    public static async Task<string[]> CreateAsync(HttpClient http, string prefix, int count, string model)
    {
        var names = Enumerable.Range(0, count).Select(i => $"{prefix}-{i:D3}").ToArray();
        using var gate = new SemaphoreSlim(20);
        await Task.WhenAll(names.Select(async name =>
        {
            await gate.WaitAsync();
            try
            {
                (await http.PostAsJsonAsync("/api/sessions", new { name, auth = "anthropic/bed", model, force_model = true })).StatusCode.ShouldBe(HttpStatusCode.Created);
            }
            finally
            {
                gate.Release();
            }
        }));
        return names;
    }
}
