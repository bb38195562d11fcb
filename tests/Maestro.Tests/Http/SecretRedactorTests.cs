using Maestro.Core.Providers.Http;

namespace Maestro.Tests.Http;

public sealed class SecretRedactorTests
{
    [Fact]
    public void Credentials_are_masked_in_headers_json_forms_and_urls()
    {
        SecretRedactor.RedactHeader("Authorization", "Bearer abc.def").ShouldBe("Bearer [REDACTED]");
        SecretRedactor.RedactHeader("x-api-key", "sk-ant-123").ShouldBe("[REDACTED]");
        SecretRedactor.RedactHeader("content-type", "application/json").ShouldBe("application/json");

        var json = SecretRedactor.RedactJson("""{"access_token": "ya29.x", "refresh_token":"1//y", "model":"m", "api_key":"k\"q"}""");
        json.ShouldNotContain("ya29");
        json.ShouldNotContain("1//y");
        json.ShouldNotContain("k\\\"q");
        json.ShouldContain("\"model\":\"m\"");

        var form = SecretRedactor.RedactForm("grant_type=authorization_code&code=abc&code_verifier=xyz&client_id=c");
        form.ShouldBe("grant_type=authorization_code&code=[REDACTED]&code_verifier=[REDACTED]&client_id=c");

        SecretRedactor.RedactUrl(new Uri("https://h/v1beta/models?key=AIzaSecret&pageSize=5")).ShouldNotContain("AIzaSecret");
    }
}
