using System.Reflection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Primitives;

namespace Maestro.Web.Hosting;

/// <summary>
/// Serves the files embedded under <c>assets/</c> in this assembly (the UI's CSS and JS, and the npm packages copied in
/// at build time), so `maestro serve` needs no files beside it.
/// </summary>
public sealed class EmbeddedAssets : IFileProvider
{
    private const string Prefix = "assets/";
    private readonly Assembly _assembly = typeof(EmbeddedAssets).Assembly;
    private readonly Dictionary<string, string> _resources;
    private readonly DateTimeOffset _built;

    public EmbeddedAssets()
    {
        _resources = _assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal))
            .ToDictionary(n => n[Prefix.Length..].Replace('\\', '/'), n => n, StringComparer.Ordinal);
        // In the single-file release the assemblies have no file of their own: the program's time stands in.
        var file = Path.Combine(AppContext.BaseDirectory, _assembly.GetName().Name + ".dll");
        _built = File.GetLastWriteTimeUtc(File.Exists(file) ? file : Environment.ProcessPath!);
    }

    public IFileInfo GetFileInfo(string subpath)
    {
        var path = subpath.TrimStart('/');
        return _resources.TryGetValue(path, out var resource)
            ? new AssetFile(_assembly, resource, Path.GetFileName(path), _built)
            : new NotFoundFileInfo(subpath);
    }

    public IDirectoryContents GetDirectoryContents(string subpath) => NotFoundDirectoryContents.Singleton;

    public IChangeToken Watch(string filter) => NullChangeToken.Singleton;

    private sealed class AssetFile(Assembly assembly, string resource, string name, DateTimeOffset modified) : IFileInfo
    {
        public bool Exists => true;

        public long Length { get; } = assembly.GetManifestResourceStream(resource)!.Length;

        public string? PhysicalPath => null;

        public string Name => name;

        public DateTimeOffset LastModified => modified;

        public bool IsDirectory => false;

        public Stream CreateReadStream() => assembly.GetManifestResourceStream(resource)!;
    }
}
