namespace Maestro.Core.Tools.BuiltIn;

/// <summary>A built-in tool as the CLI's <c>--tools</c> help and the UI list it.</summary>
public sealed record BuiltInToolInfo(string Name, string Summary, ToolEffect Effect);
