using System.Text;
using Microsoft.Extensions.AI;

namespace Maestro.Core.Tools;

/// <summary>
/// The tools of one turn, under names every provider accepts (letters, digits, '_' and '-', starting with a letter
/// or '_', at most 64 characters: the intersection of Anthropic's, OpenAI's and Gemini's rules), mapped back to the
/// tools. An MCP tool "files.read" from server "docs" becomes "docs_files_read".
/// </summary>
public sealed class ToolSet
{
    private const int MaxNameLength = 64;
    private readonly Dictionary<string, MaestroTool> _byModelName = new(StringComparer.Ordinal);
    private readonly Dictionary<MaestroTool, string> _modelNames = new(ReferenceEqualityComparer.Instance);

    public ToolSet(IEnumerable<MaestroTool> tools)
    {
        var declarations = new List<AITool>();
        foreach (var tool in tools)
        {
            var name = Unique(Sanitize(tool.Definition));
            _byModelName[name] = tool;
            _modelNames[tool] = name;
            declarations.Add(AIFunctionFactory.CreateDeclaration(name, tool.Definition.Description, tool.Definition.InputSchema));
        }

        Declarations = declarations;
    }

    public static ToolSet Empty { get; } = new([]);

    public IReadOnlyList<AITool> Declarations { get; }

    public IEnumerable<MaestroTool> Tools => _modelNames.Keys;

    public int Count => _byModelName.Count;

    public bool TryResolve(string modelName, out MaestroTool tool) => _byModelName.TryGetValue(modelName, out tool!);

    public string ModelName(MaestroTool tool) => _modelNames[tool];

    public IEnumerable<string> ModelNames => _byModelName.Keys;

    private static string Sanitize(ToolDefinition definition)
    {
        var raw = definition.Source.StartsWith("mcp:", StringComparison.Ordinal)
            ? $"{definition.Source[4..]}_{definition.Name}"
            : definition.Name;
        var name = new StringBuilder(raw.Length);
        foreach (var c in raw)
        {
            name.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' ? c : '_');
        }

        if (name.Length == 0 || !(char.IsAsciiLetter(name[0]) || name[0] == '_'))
        {
            name.Insert(0, '_');
        }

        return name.Length > MaxNameLength ? name.ToString(0, MaxNameLength) : name.ToString();
    }

    private string Unique(string name)
    {
        if (!_byModelName.ContainsKey(name))
        {
            return name;
        }

        for (var i = 2; ; i++)
        {
            var suffix = $"_{i}";
            var candidate = (name.Length + suffix.Length > MaxNameLength ? name[..(MaxNameLength - suffix.Length)] : name) + suffix;
            if (!_byModelName.ContainsKey(candidate))
            {
                return candidate;
            }
        }
    }
}
