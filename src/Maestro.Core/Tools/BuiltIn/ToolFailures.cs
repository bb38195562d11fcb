using Maestro.Core.Errors;

namespace Maestro.Core.Tools.BuiltIn;

/// <summary>
/// Turns the failures a tool cannot prevent (a missing working directory, permissions, I/O) into error results the
/// model can read. Bad arguments stay <see cref="ToolArgumentException"/>s and cancellation stays cancellation.
/// </summary>
internal static class ToolFailures
{
    public static async Task<ToolResult> GuardAsync(Func<Task<ToolResult>> invoke)
    {
        try
        {
            return await invoke();
        }
        catch (MaestroException e)
        {
            return ToolResult.Error(e.Hint is null ? e.Message : $"{e.Message} {e.Hint}");
        }
        catch (UnauthorizedAccessException e)
        {
            return ToolResult.Error($"Permission denied: {e.Message} The file or folder is not accessible to Maestro; try another path.");
        }
        catch (IOException e)
        {
            return ToolResult.Error($"I/O error: {e.Message}");
        }
    }
}
