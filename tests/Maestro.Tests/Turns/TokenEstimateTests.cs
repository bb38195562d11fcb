using System.Text.Json;
using Maestro.Core.Context;
using Microsoft.Extensions.AI;

namespace Maestro.Tests.Turns;

/// <summary>A tool result read back from the database (a JsonElement) is estimated by its text's length without making the text.</summary>
public sealed class TokenEstimateTests
{
    public static TheoryData<string> Results =>
    [
        "\"plain ASCII text of a file\"",
        "\"lines\\nwith \\\"quotes\\\", tabs\\t and a backslash \\\\ escaped\"",
        "\"é and 😀 written as they are\"",
        "\"\\u00e9 and \\ud83d\\ude00 written escaped\"",
        "\"an escaped backslash before u0041: \\\\u0041, a solidus \\/ and a last escape\\n\"",
        "\"\\\\\"",
        "\"\"",
        "12345.678",
        "{\"path\": \"a.txt\", \"lines\": [1, 2, 3], \"note\": \"é\"}",
        "[\"a\", {\"b\": null}]",
        "true",
        "false",
        "null",
    ];

    [Theory]
    [MemberData(nameof(Results))]
    public void A_stored_result_counts_as_many_characters_as_its_text(string json)
    {
        using var document = JsonDocument.Parse(json);
        var element = document.RootElement.Clone();
        // Long enough that a character more or less would change the estimate.
        for (var repeat = 1; repeat <= 4; repeat++)
        {
            var contents = Enumerable.Range(0, repeat).Select(_ => (AIContent)new FunctionResultContent("call", element)).ToList();
            TokenEstimate.Of(contents).ShouldBe((repeat * element.ToString().Length + 3) / 4, json);
        }

        TokenEstimate.Of([new FunctionResultContent("call", element.ToString())]).ShouldBe((element.ToString().Length + 3) / 4);
    }
}
