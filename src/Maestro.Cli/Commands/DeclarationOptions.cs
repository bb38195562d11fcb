using System.CommandLine;

namespace Maestro.Cli.Commands;

/// <summary>The options of `maestro providers add|edit`: one per providers.json field.</summary>
internal sealed class DeclarationOptions
{
    private readonly Option<string> _baseUrl;
    private readonly Option<string> _name = new("--name") { Description = "Display name (default: the id).", HelpName = "TEXT" };
    private readonly Option<bool> _noKey = new("--no-key") { Description = "The server needs no API key (Ollama, LM Studio): its auths may have none." };
    private readonly Option<string> _keyRequired = new("--api-key-required") { Description = "true or false: whether auths of it need a key (default true).", HelpName = "BOOL" };
    private readonly Option<string> _authHeader = new("--auth-header") { Description = "Header that carries the key (default Authorization).", HelpName = "NAME" };
    private readonly Option<string> _authScheme = new("--auth-scheme") { Description = "Written before the key (default Bearer for Authorization); none sends the raw key.", HelpName = "WORD" };
    private readonly Option<string> _modelsPath = new("--models-path") { Description = "Path of the model list under the base URL (default /models).", HelpName = "PATH" };
    private readonly Option<string> _chatPath = new("--chat-path") { Description = "Path of Chat Completions under the base URL (default /chat/completions).", HelpName = "PATH" };
    private readonly Option<string> _maxTokensField = new("--max-tokens-field") { Description = "max_tokens (default) or max_completion_tokens.", HelpName = "FIELD" };
    private readonly Option<string> _defaultMaxTokens = new("--default-max-tokens") { Description = "Output limit sent when a call gives none (default: the server's).", HelpName = "N" };
    private readonly Option<string> _defaultModel = new("--default-model") { Description = "Model used when none is given, e.g. llama3.1.", HelpName = "MODEL" };

    private static readonly Dictionary<string, string> Options = new(StringComparer.Ordinal)
    {
        ["base_url"] = "--base-url",
        ["display_name"] = "--name",
        ["api_key_required"] = "--api-key-required",
        ["auth_header"] = "--auth-header",
        ["auth_scheme"] = "--auth-scheme",
        ["models_path"] = "--models-path",
        ["chat_path"] = "--chat-path",
        ["max_tokens_field"] = "--max-tokens-field",
        ["default_max_tokens"] = "--default-max-tokens",
        ["default_model"] = "--default-model",
    };

    public DeclarationOptions(bool baseUrlRequired)
    {
        _baseUrl = new Option<string>("--base-url")
        {
            Description = "The API root, usually ending in /v1 (e.g. http://localhost:11434/v1).",
            HelpName = "URL",
            Required = baseUrlRequired,
        };
    }

    public static string OptionFor(string field) => Options.GetValueOrDefault(field, field);

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { _baseUrl, _name, _noKey, _keyRequired, _authHeader, _authScheme, _modelsPath, _chatPath, _maxTokensField, _defaultMaxTokens, _defaultModel })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>The fields the user gave (an edit changes only those).</summary>
    public Dictionary<string, string?> Fields(ParseResult parse)
    {
        var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
        void Set(string field, Option<string> option)
        {
            if (parse.GetResult(option) is not null)
            {
                fields[field] = parse.GetValue(option) ?? "";
            }
        }

        Set("base_url", _baseUrl);
        Set("display_name", _name);
        Set("api_key_required", _keyRequired);
        if (parse.GetValue(_noKey))
        {
            fields["api_key_required"] = "false";
        }

        Set("auth_header", _authHeader);
        Set("auth_scheme", _authScheme);
        Set("models_path", _modelsPath);
        Set("chat_path", _chatPath);
        Set("max_tokens_field", _maxTokensField);
        Set("default_max_tokens", _defaultMaxTokens);
        Set("default_model", _defaultModel);
        return fields;
    }
}
