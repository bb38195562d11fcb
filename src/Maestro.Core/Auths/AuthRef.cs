using Maestro.Core.Errors;

namespace Maestro.Core.Auths;

/// <summary>How users name an auth: <c>provider/name</c>, e.g. <c>anthropic/work_claude</c>.</summary>
public readonly record struct AuthRef(string Provider, string Name)
{
    public override string ToString() => $"{Provider}/{Name}";

    public static AuthRef Parse(string text, string field = "auth")
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == text.Length - 1 || text.IndexOf('/', slash + 1) >= 0)
        {
            throw new ValidationFailedException(field, $"'{text}' is not of the form provider/name (for example anthropic/work).");
        }

        return new AuthRef(text[..slash], text[(slash + 1)..]);
    }
}
