using Maestro.Core.Auths;
using Maestro.Core.Errors;

namespace Maestro.Core.OAuth.Imports;

/// <summary>
/// Imports a login another tool saved (<c>maestro auth import codex|claude|gemini</c>): validates the file, stores the
/// tokens encrypted as an OAuth auth, and from then on refreshes them like any login.
/// </summary>
public sealed class OAuthImportService(
    AuthService auths, OAuthAuths saver, IEnumerable<IOAuthImporter> importers, OAuthEvents events, Func<string, string?> environment)
{
    private readonly Dictionary<string, IOAuthImporter> _bySource = importers.ToDictionary(i => i.Source, StringComparer.Ordinal);

    public IReadOnlyCollection<IOAuthImporter> Importers => _bySource.Values;

    public IOAuthImporter Get(string source) => _bySource.TryGetValue(source.Trim().ToLowerInvariant(), out var importer)
        ? importer
        : throw new ValidationFailedException("source",
            $"'{source}' is not a login Maestro can import: use {string.Join(", ", _bySource.Keys.Order(StringComparer.Ordinal))}.");

    public async Task<(AuthRecord Auth, string Path)> ImportAsync(OAuthImportRequest request, CancellationToken cancellationToken)
    {
        var importer = Get(request.Source);
        var name = string.IsNullOrWhiteSpace(request.Name) ? importer.DefaultName : request.Name.Trim();
        var errors = new FieldErrors();
        auths.ValidateProvider(importer.ProviderId, AuthType.OAuth, errors);
        AuthService.ValidateName(name, errors);
        var mode = request.Mode?.Trim().ToLowerInvariant();
        if (mode is not null && !importer.Modes.Contains(mode))
        {
            errors.Add("mode", importer.Modes.Count == 0
                ? $"{importer.Source} logins have no modes."
                : $"'{request.Mode}' is not a mode of {importer.ProviderId} auths: use {string.Join(" or ", importer.Modes)}.");
        }

        errors.ThrowIfAny();
        var path = string.IsNullOrWhiteSpace(request.Path) ? importer.DefaultPath(environment) : request.Path;
        var grant = importer.Read(ImportedFile.Load(path, importer.Tool, importer.ExpectedShape), mode ?? (importer.Modes.Count > 0 ? importer.Modes[0] : null));
        var metadata = new Dictionary<string, string>(grant.Metadata, StringComparer.Ordinal) { [AuthMetadata.ImportedFrom] = System.IO.Path.GetFullPath(path) };
        var auth = await saver.SaveAsync(importer.ProviderId, name, grant with { Metadata = metadata }, request.Replace,
            $"Import under another name with --name, or renew it with --replace.", cancellationToken);
        events.Auth(auth, "imported", $"Imported the {importer.Source} login from {metadata[AuthMetadata.ImportedFrom]}.");
        return (auth, metadata[AuthMetadata.ImportedFrom]);
    }
}
