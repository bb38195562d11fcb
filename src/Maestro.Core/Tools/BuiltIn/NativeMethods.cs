using System.Runtime.InteropServices;

namespace Maestro.Core.Tools.BuiltIn;

internal static class NativeMethods
{
    public const int SigKill = 9;

    public const int ORdOnly = 0;
    public const int OWrOnly = 1;
    public const int OCreat = 0x40;
    public const int OExcl = 0x80;
    public const int ONonBlock = 0x800;
    public const int OCloExec = 0x80000;

    public const int ENoEnt = 2;
    public const int EAcces = 13;
    public const int EExist = 17;
    public const int ENotDir = 20;
    public const int ELoop = 40;

    /// <summary>O_DIRECTORY: x86 and x86-64 differ from the generic value (arm64 and the rest).</summary>
    public static readonly int ODirectory = IsX86 ? 0x10000 : 0x4000;

    /// <summary>O_NOFOLLOW: x86 and x86-64 differ from the generic value (arm64 and the rest).</summary>
    public static readonly int ONoFollow = IsX86 ? 0x20000 : 0x8000;

    private static bool IsX86 => RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.X86;

    /// <summary>kill(2); a negative pid signals the whole process group.</summary>
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int Kill(int pid, int signal);

    /// <summary>open(2), for the working directory itself.</summary>
    [DllImport("libc", EntryPoint = "open", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int Open(string path, int flags, int mode);

    /// <summary>openat(2): <paramref name="name"/> relative to an open folder (on Linux, "ANSI" strings are UTF-8).</summary>
    [DllImport("libc", EntryPoint = "openat", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int OpenAt(int folder, string name, int flags, int mode);

    [DllImport("libc", EntryPoint = "mkdirat", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int MkdirAt(int folder, string name, int mode);

    [DllImport("libc", EntryPoint = "renameat", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int RenameAt(int fromFolder, string from, int toFolder, string to);

    [DllImport("libc", EntryPoint = "unlinkat", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int UnlinkAt(int folder, string name, int flags);
}
