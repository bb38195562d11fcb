namespace Maestro.Emulator.Scenarios;

/// <summary>What the emulator decided to answer a chat request with. <see cref="Label"/> goes in the request log line.</summary>
internal abstract record Scenario(string Label)
{
    /// <summary>
    /// Render a planned answer (scripted or synthetic), optionally damaged by a stream fault, optionally waiting at a named
    /// gate after <paramref name="HoldAfterTokens"/> tokens.
    /// </summary>
    public sealed record Answer(string Label, AnswerPlan Plan, double TokensPerSecond, EmulatorFault? StreamFault, string? Hold = null, int HoldAfterTokens = 0)
        : Scenario(Label);

    /// <summary>Replay a recorded fixture byte for byte.</summary>
    public sealed record Replay(string Label, string FixtureName, double EventsPerSecond) : Scenario(Label);

    /// <summary>Answer with the provider's error for a status fault.</summary>
    public sealed record Failure(string Label, EmulatorFault Fault, int RetryAfterSeconds) : Scenario(Label);

    /// <summary>The model is neither listed nor a convention: the provider's unknown-model error.</summary>
    public sealed record UnknownModel(string Label, string Model) : Scenario(Label);

    /// <summary>A malformed convention or script: the provider's invalid-request error.</summary>
    public sealed record Invalid(string Label, string Message) : Scenario(Label);
}
