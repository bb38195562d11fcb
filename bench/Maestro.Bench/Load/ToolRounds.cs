using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Maestro.Bench.Load;

/// <summary>
/// `--tool-rounds N`: every turn is an agent's turn. The sessions work in one folder holding a text file of
/// `--tool-output` KB and may use read_file (read-only tools run without asking); the emulator is scripted with N calls
/// of read_file per turn before the synthetic answer, so each turn's thread grows by an answer and a tool result per
/// round. The scripts are one queue for the bench's credential that all turns draw from: the rounds per turn vary a
/// little, their total is exact.
/// </summary>
internal sealed class ToolRounds(LoadOptions options, string home)
{
    /// <summary>The key of the bench's auth: scripts queued under it are taken by the servers' requests, not the probes'.</summary>
    public const string ApiKey = "load-key";

    private const string FileName = "output.txt";

    public bool Enabled => options.ToolRounds > 0;

    private string Folder => Path.Combine(home, "agent-work");

    /// <summary>The fields a session's create request adds (a leading comma), or nothing.</summary>
    public string SessionFields => Enabled
        ? $$""","working_directory":{{JsonSerializer.Serialize(Folder)}},"tools":["read_file"]"""
        : "";

    public string Describe => string.Create(CultureInfo.InvariantCulture, $"read_file of {options.ToolOutputKb} KB");

    public void PrepareFolder()
    {
        if (!Enabled)
        {
            return;
        }

        Directory.CreateDirectory(Folder);
        var text = new StringBuilder(options.ToolOutputKb * 1024 + 80);
        for (var line = 1; text.Length < options.ToolOutputKb * 1024; line++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{line:D5} The tool's output, as an agent reads a source file it was asked to change.\n");
        }

        File.WriteAllText(Path.Combine(Folder, FileName), text.ToString(0, options.ToolOutputKb * 1024));
    }

    /// <summary>Queues the tool calls of <paramref name="turns"/> turns; returns how many are queued in all.</summary>
    public async Task<int> ScriptAsync(HttpClient http, Uri emulator, int turns, CancellationToken ct)
    {
        var call = $$$"""{"tool_calls":[{"name":"read_file","arguments":{"path":"{{{FileName}}}"}}]}""";
        return await EnqueueAsync(http, emulator, string.Join(',', Enumerable.Repeat(call, turns * options.ToolRounds)), ct);
    }

    /// <summary>The tool calls still queued (none once every turn has made its rounds): the bench queues no other script.</summary>
    public static async Task<int> PendingAsync(HttpClient http, Uri emulator, CancellationToken ct)
    {
        using var document = JsonDocument.Parse(await http.GetStringAsync(new Uri(emulator, "_emulator/health"), ct));
        return document.RootElement.GetProperty("pending_scripts").GetInt32();
    }

    private static async Task<int> EnqueueAsync(HttpClient http, Uri emulator, string responses, CancellationToken ct)
    {
        using var content = new StringContent($$"""{"key":"{{ApiKey}}","responses":[{{responses}}]}""", Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(new Uri(emulator, "_emulator/scripts"), content, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Scripting the emulator's tool calls failed: HTTP {(int)response.StatusCode} {body}");
        }

        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty("pending").GetInt32();
    }
}
