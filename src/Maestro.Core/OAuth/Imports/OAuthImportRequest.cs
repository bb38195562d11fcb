namespace Maestro.Core.OAuth.Imports;

/// <param name="Source">Which tool's login, e.g. <c>codex</c>.</param>
/// <param name="Name">The auth name; null = the importer's default.</param>
/// <param name="Path">The file; null = where the tool keeps it.</param>
/// <param name="Replace">Renew an existing OAuth auth of that name instead of refusing.</param>
public sealed record OAuthImportRequest(string Source, string? Name = null, string? Path = null, string? Mode = null, bool Replace = false);
