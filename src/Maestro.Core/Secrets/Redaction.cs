namespace Maestro.Core.Secrets;

/// <summary>Shows enough of a secret to recognise it, never enough to use it.</summary>
public static class Redaction
{
    public static string Redact(string? secret)
    {
        if (string.IsNullOrEmpty(secret))
        {
            return "";
        }

        // Keys shorter than 20 characters show nothing: four plus four would reveal too large a part.
        return secret.Length < 20 ? "••••••••" : string.Concat(secret.AsSpan(0, 4), "…", secret.AsSpan(secret.Length - 4));
    }
}
