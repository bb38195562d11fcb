namespace Maestro.Core.Mcp;

public enum McpImportOutcome
{
    Imported,
    /// <summary>A server with that name already exists; the existing one was kept.</summary>
    Skipped,
    /// <summary>The entry was invalid; nothing was saved for it.</summary>
    Rejected,
}

public static class McpImportOutcomeNames
{
    public static string ToWire(this McpImportOutcome outcome) => outcome switch
    {
        McpImportOutcome.Imported => "imported",
        McpImportOutcome.Skipped => "skipped",
        _ => "rejected",
    };
}

/// <summary>What happened to one server of an import.</summary>
/// <param name="Name">The server's name as given (or a placeholder like "line 3" when it had none).</param>
/// <param name="Message">Why it was skipped or rejected, or what was imported (with any notes, e.g. an ignored option).</param>
/// <param name="Server">The saved server, when imported.</param>
public sealed record McpImportEntry(string Name, McpImportOutcome Outcome, string Message, McpServer? Server = null);

public sealed record McpImportReport(IReadOnlyList<McpImportEntry> Entries)
{
    public int Imported => Entries.Count(e => e.Outcome == McpImportOutcome.Imported);

    public int Skipped => Entries.Count(e => e.Outcome == McpImportOutcome.Skipped);

    public int Rejected => Entries.Count(e => e.Outcome == McpImportOutcome.Rejected);
}

/// <summary>One server read from an import source, before it is validated and saved.</summary>
/// <param name="Spec">Null when the entry could not be read; <paramref name="Problem"/> says why.</param>
/// <param name="Notes">Things worth telling that did not stop the import (an ignored scope, an inferred transport).</param>
public sealed record McpImportCandidate(string Name, McpServerSpec? Spec, string? Problem, IReadOnlyList<string> Notes)
{
    public static McpImportCandidate Invalid(string name, string problem) => new(name, null, problem, []);
}
