namespace Maestro.Core.Errors;

/// <summary>One or more input fields are invalid. Every surface shows the same per-field messages.</summary>
public sealed class ValidationFailedException : MaestroException
{
    public ValidationFailedException(IReadOnlyDictionary<string, string[]> errors)
        : base(Describe(errors)) => Errors = errors;

    public ValidationFailedException(string field, string message)
        : this(new Dictionary<string, string[]> { [field] = [message] })
    {
    }

    public IReadOnlyDictionary<string, string[]> Errors { get; }

    public override string Code => "validation_failed";

    private static string Describe(IReadOnlyDictionary<string, string[]> errors) =>
        string.Join("; ", errors.SelectMany(e => e.Value.Select(m => $"{e.Key}: {m}")));
}
