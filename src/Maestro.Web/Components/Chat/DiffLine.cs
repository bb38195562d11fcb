namespace Maestro.Web.Components.Chat;

/// <summary>One line of a diff as shown: ' ' context, '-' removed, '+' added, '…' lines left out.</summary>
public sealed record DiffLine(char Sign, string Text);
