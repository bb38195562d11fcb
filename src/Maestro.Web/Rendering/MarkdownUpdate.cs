namespace Maestro.Web.Rendering;

/// <summary>What changed in a streaming message: blocks that are now complete (appended once) and the new tail.</summary>
/// <param name="Completed">HTML of blocks finished since the last update, to append after the earlier ones.</param>
/// <param name="Tail">HTML of the block still being written, replacing the previous tail.</param>
public readonly record struct MarkdownUpdate(string Completed, string Tail);
