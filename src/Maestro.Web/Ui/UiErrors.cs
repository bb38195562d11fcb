using Maestro.Core.Errors;

namespace Maestro.Web.Ui;

/// <summary>A user's mistake, as the form beside it shows it: the same per-field messages as the REST API.</summary>
public static class UiErrors
{
    /// <summary>Exceptions a form reports inline (anything else is unexpected and goes to the error middleware).</summary>
    public static bool IsUserError(Exception ex) => ex is MaestroException;

    public static IReadOnlyDictionary<string, string[]> Fields(Exception ex, string fallbackField = "form") => ex switch
    {
        ValidationFailedException v => v.Errors,
        ConflictException c => new Dictionary<string, string[]> { [c.Field ?? fallbackField] = [c.Message] },
        _ => new Dictionary<string, string[]> { [fallbackField] = [ex.Message] },
    };

    /// <summary>All messages on one line (for a single error slot such as the composer's).</summary>
    public static string Line(Exception ex) =>
        ex is ValidationFailedException v ? string.Join(" ", v.Errors.Values.SelectMany(m => m)) : ex.Message;
}
