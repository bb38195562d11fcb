using System.Runtime.InteropServices;

namespace Maestro.Core.Tools.BuiltIn;

internal static class NativeMethods
{
    public const int SigKill = 9;

    /// <summary>kill(2); a negative pid signals the whole process group.</summary>
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int Kill(int pid, int signal);
}
