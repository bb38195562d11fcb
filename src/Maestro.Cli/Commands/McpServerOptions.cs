using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Maestro.Cli.Output;
using Maestro.Core.Errors;
using Maestro.Core.Mcp;
using Maestro.Web.Api;
using Spectre.Console;

namespace Maestro.Cli.Commands;

/// <summary>The options `add` and `edit` share, read into an <see cref="McpServerSpec"/>.</summary>
internal sealed class McpServerOptions
{
    private readonly bool _editing;
    private readonly Option<string> _url = new("--url") { Description = "The endpoint of a remote server (streamable HTTP unless --transport sse).", HelpName = "URL" };
    private readonly Option<string> _transport = new("--transport", "-t") { Description = "stdio, http (streamable HTTP) or sse. Default: stdio with a command, http with --url.", HelpName = "TRANSPORT" };
    private readonly Option<string[]> _env = Many("--env", "-e", "Set an environment variable of a stdio server (repeatable).", "KEY=VALUE");
    private readonly Option<string[]> _envVar = Many("--env-var", null, "Set KEY to the value of this process's environment variable VAR (repeatable): the secret never appears as an argument.", "KEY=VAR");
    private readonly Option<string> _envStdin = new("--env-stdin") { Description = "Set this environment variable to the value read from standard input.", HelpName = "KEY" };
    private readonly Option<string[]> _header = Many("--header", "-H", "Send an HTTP header to a remote server (repeatable).", "\"NAME: VALUE\"");
    private readonly Option<string[]> _headerEnv = Many("--header-env", null, "Send header NAME with the value of this process's environment variable VAR (repeatable), e.g. Authorization=MY_TOKEN_VAR.", "NAME=VAR");
    private readonly Option<string> _headerStdin = new("--header-stdin") { Description = "Send this header with the value read from standard input.", HelpName = "NAME" };
    private readonly Option<string> _cwd = new("--cwd") { Description = "Working directory of a stdio server (edit: \"\" removes it).", HelpName = "DIR" };
    private readonly Option<bool> _disabled = new("--disable") { Description = "Keep the server configured but give its tools to no session." };
    private readonly Option<bool> _enabled = new("--enable") { Description = "Enable a disabled server." };
    private readonly Option<string[]> _unsetEnv = Many("--unset-env", null, "Remove an environment variable (repeatable).", "KEY");
    private readonly Option<string[]> _unsetHeader = Many("--unset-header", null, "Remove a header (repeatable).", "NAME");

    public McpServerOptions(bool editing) => _editing = editing;

    public void AddTo(Command command)
    {
        command.Options.Add(_url);
        command.Options.Add(_transport);
        command.Options.Add(_env);
        command.Options.Add(_envVar);
        command.Options.Add(_envStdin);
        command.Options.Add(_header);
        command.Options.Add(_headerEnv);
        command.Options.Add(_headerStdin);
        command.Options.Add(_cwd);
        command.Options.Add(_disabled);
        if (_editing)
        {
            command.Options.Add(_enabled);
            command.Options.Add(_unsetEnv);
            command.Options.Add(_unsetHeader);
        }
    }

    public McpServerSpec ToSpec(CliContext context, ParseResult parse, string[]? commandLine)
    {
        McpSecretInput.CheckOneStdin(parse.GetValue(_envStdin), parse.GetValue(_headerStdin));
        if (commandLine is [var first, ..] && first.StartsWith('-') && !parse.Tokens.Any(t => t.Type == TokenType.DoubleDash))
        {
            // Unknown options land in the command argument; a server's command never starts with '-'.
            throw new ValidationFailedException("command",
                $"Unknown option '{first}'. A server's command goes after --: `maestro mcp {(_editing ? "edit" : "add")} NAME -- COMMAND [ARGS...]`.");
        }

        var disable = parse.GetValue(_disabled);
        var enable = _editing && parse.GetValue(_enabled);
        if (disable && enable)
        {
            throw new ValidationFailedException("enabled", "Use either --enable or --disable, not both.");
        }

        return new McpServerSpec
        {
            Transport = parse.GetValue(_transport),
            Url = parse.GetValue(_url),
            Command = commandLine is { Length: > 0 } ? commandLine[0] : null,
            Args = commandLine is { Length: > 0 } ? commandLine[1..] : null,
            WorkingDirectory = parse.GetValue(_cwd),
            Env = McpSecretInput.Env(context, parse.GetValue(_env), parse.GetValue(_envVar), parse.GetValue(_envStdin), _editing ? parse.GetValue(_unsetEnv) : null),
            Headers = McpSecretInput.Headers(context, parse.GetValue(_header), parse.GetValue(_headerEnv), parse.GetValue(_headerStdin), _editing ? parse.GetValue(_unsetHeader) : null),
            Enabled = disable ? false : enable ? true : (_editing ? null : true),
        };
    }

    private static Option<string[]> Many(string name, string? alias, string description, string helpName)
    {
        var option = alias is null ? new Option<string[]>(name) : new Option<string[]>(name, alias);
        option.Description = description;
        option.HelpName = helpName;
        option.AllowMultipleArgumentsPerToken = false;
        return option;
    }
}
