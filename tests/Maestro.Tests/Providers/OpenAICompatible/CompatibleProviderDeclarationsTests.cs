using Maestro.Core.Errors;
using Maestro.Core.Providers;
using Maestro.Providers.OpenAI;
using Maestro.Providers.OpenAICompatible;
using Microsoft.Extensions.Configuration;

namespace Maestro.Tests.Providers.OpenAICompatible;

/// <summary>OpenAI-compatible providers are declared by configuration alone: environment variables or providers.json.</summary>
public sealed class CompatibleProviderDeclarationsTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("maestro-compat-").FullName;

    public void Dispose() => Directory.Delete(_home, recursive: true);

    [Fact]
    public void Environment_declarations_with_defaults()
    {
        var declared = Read(new()
        {
            ["MAESTRO_COMPAT_PROVIDERS"] = "ollama, open-router",
            ["MAESTRO_COMPAT_OLLAMA_BASE_URL"] = "http://localhost:11434/v1",
            ["MAESTRO_COMPAT_OLLAMA_API_KEY_REQUIRED"] = "0",
            ["MAESTRO_COMPAT_OLLAMA_DISPLAY_NAME"] = "Ollama (local)",
            ["MAESTRO_COMPAT_OLLAMA_DEFAULT_MODEL"] = "llama3.1",
            ["MAESTRO_COMPAT_OPEN_ROUTER_BASE_URL"] = "https://openrouter.ai/api/v1",
            ["MAESTRO_COMPAT_OPEN_ROUTER_MODELS_PATH"] = "models?output_modalities=text",
        });

        declared.Count.ShouldBe(2);
        var ollama = declared[0];
        ollama.Id.ShouldBe("ollama");
        ollama.DisplayName.ShouldBe("Ollama (local)");
        ollama.BaseUrl.ShouldBe(new Uri("http://localhost:11434/v1"));
        ollama.ApiKeyRequired.ShouldBeFalse();
        ollama.AuthHeader.ShouldBe("Authorization");
        ollama.AuthScheme.ShouldBe("Bearer");
        ollama.ModelsPath.ShouldBe("/models");
        ollama.ChatPath.ShouldBe("/chat/completions");
        ollama.MaxTokensField.ShouldBe("max_tokens");
        ollama.DefaultModel.ShouldBe("llama3.1");
        ollama.Endpoint(ollama.BaseUrl, ollama.ChatPath).ToString().ShouldBe("http://localhost:11434/v1/chat/completions");
        var router = declared[1];
        router.Id.ShouldBe("open-router");
        router.DisplayName.ShouldBe("open-router");
        router.ApiKeyRequired.ShouldBeTrue();
        router.ModelsPath.ShouldBe("/models?output_modalities=text");
        router.DefaultModel.ShouldBeNull();
    }

    [Fact]
    public void Raw_key_headers()
    {
        var declared = Read(new()
        {
            ["MAESTRO_COMPAT_PROVIDERS"] = "azure,proxy",
            ["MAESTRO_COMPAT_AZURE_BASE_URL"] = "https://example.openai.azure.com/openai/v1",
            ["MAESTRO_COMPAT_AZURE_AUTH_HEADER"] = "api-key",
            ["MAESTRO_COMPAT_PROXY_BASE_URL"] = "https://proxy.example/v1",
            ["MAESTRO_COMPAT_PROXY_AUTH_SCHEME"] = "",
            ["MAESTRO_COMPAT_PROXY_MAX_TOKENS_FIELD"] = "max_completion_tokens",
            ["MAESTRO_COMPAT_PROXY_DEFAULT_MAX_TOKENS"] = "8192",
        });

        declared[0].AuthHeader.ShouldBe("api-key");
        declared[0].AuthScheme.ShouldBe("", "a header other than Authorization carries the raw key");
        declared[1].AuthHeader.ShouldBe("Authorization");
        declared[1].AuthScheme.ShouldBe("");
        declared[1].MaxTokensField.ShouldBe("max_completion_tokens");
        declared[1].DefaultMaxTokens.ShouldBe(8192);
    }

    [Fact]
    public void File_declarations()
    {
        File.WriteAllText(Path.Combine(_home, "providers.json"), """
            {
              // Local models
              "providers": [
                { "id": "lmstudio", "base_url": "http://localhost:1234/v1", "api_key_required": false, "display_name": "LM Studio" },
                { "id": "groq", "base_url": "https://api.groq.com/openai/v1" },
              ]
            }
            """);

        var declared = Read(new());

        declared.Select(d => d.Id).ShouldBe(["lmstudio", "groq"]);
        declared[0].ApiKeyRequired.ShouldBeFalse();
        declared[0].DisplayName.ShouldBe("LM Studio");
        declared[0].DeclaredIn.ShouldEndWith("providers.json");
        declared[1].ApiKeyRequired.ShouldBeTrue();
    }

    [Theory]
    [InlineData("MAESTRO_COMPAT_PROVIDERS", "Ollama", "MAESTRO_COMPAT_PROVIDERS: 'Ollama' is not a valid provider id")]
    [InlineData("MAESTRO_COMPAT_PROVIDERS", "openai", "'openai' is the id of a built-in provider")]
    [InlineData("MAESTRO_COMPAT_PROVIDERS", "a-b,a_b", "would both read settings named MAESTRO_COMPAT_A_B_*")]
    [InlineData("MAESTRO_COMPAT_X1_BASE_URL", "localhost:11434", "MAESTRO_COMPAT_X1_BASE_URL='localhost:11434' is not an absolute http(s) URL")]
    [InlineData("MAESTRO_COMPAT_X1_BASE_URL", "", "MAESTRO_COMPAT_X1_BASE_URL is missing")]
    [InlineData("MAESTRO_COMPAT_X1_API_KEY_REQUIRED", "maybe", "MAESTRO_COMPAT_X1_API_KEY_REQUIRED='maybe' is not a yes/no value")]
    [InlineData("MAESTRO_COMPAT_X1_AUTH_HEADER", "bad header", "MAESTRO_COMPAT_X1_AUTH_HEADER='bad header' is not a valid HTTP header name")]
    [InlineData("MAESTRO_COMPAT_X1_MAX_TOKENS_FIELD", "tokens", "MAESTRO_COMPAT_X1_MAX_TOKENS_FIELD='tokens' must be max_tokens or max_completion_tokens")]
    [InlineData("MAESTRO_COMPAT_X1_DEFAULT_MAX_TOKENS", "-5", "MAESTRO_COMPAT_X1_DEFAULT_MAX_TOKENS='-5' is not a positive whole number")]
    public void Bad_environment_declarations_name_the_setting(string name, string value, string message)
    {
        var settings = new Dictionary<string, string?>
        {
            ["MAESTRO_COMPAT_PROVIDERS"] = "x1",
            ["MAESTRO_COMPAT_X1_BASE_URL"] = "http://localhost:8000/v1",
            ["MAESTRO_COMPAT_A_B_BASE_URL"] = "http://localhost:8000/v1",
            ["MAESTRO_COMPAT_OPENAI_BASE_URL"] = "http://localhost:8000/v1",
            [name] = value,
        };

        var error = Should.Throw<MaestroException>(() => Read(settings));

        error.Message.ShouldContain(message);
        error.Message.ShouldNotContain("\n");
    }

    [Theory]
    [InlineData("""{"providers":[{"id":"x1"}]}""", "providers[0].base_url is missing")]
    [InlineData("""{"providers":[{"id":"X","base_url":"http://h/v1"}]}""", "providers[0].id 'X' is not a valid provider id")]
    [InlineData("""{"providers":[{"id":"x1","base_url":"http://h/v1","baseurl":"x"}]}""", "providers[0] has an unknown key 'baseurl'")]
    [InlineData("""{"providers":[{"id":"x1","base_url":"ftp://h"}]}""", "providers[0].base_url='ftp://h' is not an absolute http(s) URL")]
    [InlineData("""{"providers":[{"id":"x1","base_url":"http://h/v1"},{"id":"x1","base_url":"http://h/v1"}]}""", "provider 'x1' is declared twice")]
    [InlineData("""{"providers":[{"id":"openai","base_url":"http://h/v1"}]}""", "'openai' is the id of a built-in provider")]
    [InlineData("""{"providers": {}}""", "expected {\"providers\"")]
    [InlineData("""{"providers": [""", "cannot read the OpenAI-compatible provider declarations")]
    public void Bad_file_declarations_name_the_file_and_key(string json, string message)
    {
        File.WriteAllText(Path.Combine(_home, "providers.json"), json);

        var error = Should.Throw<MaestroException>(() => Read(new()));

        error.Message.ShouldContain(message);
        error.Message.ShouldContain("providers.json");
    }

    [Fact]
    public void Same_id_in_environment_and_file_is_an_error()
    {
        File.WriteAllText(Path.Combine(_home, "providers.json"), """{"providers":[{"id":"ollama","base_url":"http://h/v1"}]}""");

        var error = Should.Throw<MaestroException>(() => Read(new()
        {
            ["MAESTRO_COMPAT_PROVIDERS"] = "ollama",
            ["MAESTRO_COMPAT_OLLAMA_BASE_URL"] = "http://localhost:11434/v1",
        }));

        error.Message.ShouldContain("declared both in MAESTRO_COMPAT_PROVIDERS and in");
    }

    [Fact]
    public void Source_registers_each_declaration_as_a_provider()
    {
        var configuration = Configuration(new()
        {
            ["MAESTRO_COMPAT_PROVIDERS"] = "ollama",
            ["MAESTRO_COMPAT_OLLAMA_BASE_URL"] = "http://localhost:11434/v1",
            ["MAESTRO_COMPAT_OLLAMA_API_KEY_REQUIRED"] = "false",
        });
        var openAI = new OpenAIProvider(new OpenAIOptions());

        var registry = new ProviderRegistry([openAI], [new CompatibleProviderSource(configuration, [openAI])]);

        registry.All.Select(p => p.Descriptor.Id).ShouldBe(["ollama", "openai"]);
        var ollama = registry.Get("ollama");
        ollama.Descriptor.DefaultBaseUrl.ShouldBe(new Uri("http://localhost:11434/v1"));
        ollama.Descriptor.Supports(ProviderFeatures.Streaming).ShouldBeTrue();
        ollama.Descriptor.Supports(ProviderFeatures.ModelListing).ShouldBeTrue();
        ollama.Descriptor.Supports(CompatibleProvider.ApiKeyOptionalFeature).ShouldBeTrue();
    }

    private List<CompatibleProviderSettings> Read(Dictionary<string, string?> settings) =>
        [.. CompatibleProviderDeclarations.Read(Configuration(settings), ["openai", "anthropic", "gemini"])];

    private IConfiguration Configuration(Dictionary<string, string?> settings)
    {
        settings["MAESTRO_HOME"] = _home;
        return new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
    }
}
