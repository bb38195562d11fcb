using Maestro.Core.Errors;

namespace Maestro.Data.Embedded;

/// <summary>
/// A lock file in $MAESTRO_HOME that serialises starting and stopping the embedded cluster between processes
/// (a CLI command and `maestro serve` may start at the same moment).
/// </summary>
internal sealed class ClusterFileLock : IDisposable
{
    private readonly FileStream _stream;

    private ClusterFileLock(FileStream stream) => _stream = stream;

    public static async Task<ClusterFileLock> AcquireAsync(string path, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                // FileShare.None takes an exclusive flock() on Unix; it is released if the process dies.
                var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                return new ClusterFileLock(stream);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50, cancellationToken);
            }
            catch (IOException ex)
            {
                throw new MaestroException(
                    $"Another Maestro process has held {path} for {timeout.TotalSeconds:0} s while starting or stopping the embedded database ({ex.Message}).",
                    "Wait for it to finish, or stop the other maestro process.");
            }
        }
    }

    public void Dispose() => _stream.Dispose();
}
