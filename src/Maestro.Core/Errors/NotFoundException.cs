namespace Maestro.Core.Errors;

public sealed class NotFoundException(string message, string? hint = null) : MaestroException(message, hint)
{
    public override string Code => "not_found";
}
