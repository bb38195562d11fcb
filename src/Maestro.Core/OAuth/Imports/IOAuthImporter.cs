namespace Maestro.Core.OAuth.Imports;

/// <summary>Reads a login another tool saved (e.g. a CLI's credentials file) into an OAuth grant for one provider.</summary>
public interface IOAuthImporter
{
    /// <summary>What the user types: <c>maestro auth import &lt;source&gt;</c>.</summary>
    string Source { get; }

    string ProviderId { get; }

    /// <summary>The tool in words, for messages: "the Codex CLI".</summary>
    string Tool { get; }

    /// <summary>The file's format in short, for messages: <c>{"tokens": {"access_token", "refresh_token", "id_token"}}</c>.</summary>
    string ExpectedShape { get; }

    /// <summary>What the user should know after importing (e.g. that the tool's copy goes stale), or null.</summary>
    string? Caveat { get; }

    /// <summary>The auth name used without <c>--name</c>.</summary>
    string DefaultName { get; }

    /// <summary>The modes an import may choose (metadata <c>mode</c>); the first is the default. Empty: none.</summary>
    IReadOnlyList<string> Modes { get; }

    /// <summary>Where the tool keeps its login, given environment variables by name.</summary>
    string DefaultPath(Func<string, string?> environment);

    /// <summary>Validates the file's shape (clear errors naming the file and the field) and returns the login.</summary>
    OAuthGrant Read(ImportedFile file, string? mode);
}
