namespace Maestro.Core.Tools;

/// <summary>The built-in tools' definitions, for validating a session's tool list and for help texts.</summary>
public interface IBuiltInTools
{
    IReadOnlyList<ToolDefinition> Definitions { get; }
}
