using System.Globalization;
using Maestro.Emulator.Control;
using Maestro.Emulator.Hosting;

namespace Maestro.Emulator.Scenarios;

/// <summary>
/// Chooses the answer for a chat request; first match wins: a script queued for the request's credential (or <c>*</c>),
/// a model-name convention, the unknown-model error, the global fault, the default synthetic answer.
/// </summary>
internal sealed class ScenarioResolver(ScriptQueues scripts, EmulatorOptions options)
{
    public Scenario Resolve(ChatRequest request, IModelCatalog catalog)
    {
        if (scripts.TryDequeue(request.Credential, out var script))
        {
            return FromScript(script, request);
        }

        switch (ModelConvention.Parse(request.Model))
        {
            case ModelConvention.Fixture fixture:
                return new Scenario.Replay("fixture:" + fixture.Name, fixture.Name, fixture.Rate ?? options.TokensPerSecond);
            case ModelConvention.Synthetic synthetic:
                var rate = synthetic.Rate ?? options.TokensPerSecond;
                return new Scenario.Answer(SyntheticLabel(synthetic.Tokens, rate), AnswerPlanner.Synthetic(synthetic.Tokens, request), rate, null);
            case ModelConvention.Fault fault:
                return FromFault(fault.Value, retryAfter: null, request, options.SyntheticTokens, options.TokensPerSecond);
            case ModelConvention.Invalid invalid:
                return new Scenario.Invalid("invalid-model", invalid.Message);
        }

        if (!catalog.TryResolve(request.Model, out _))
        {
            return new Scenario.UnknownModel("unknown-model", request.Model);
        }

        return options.Fault is { } globalFault
            ? FromFault(globalFault, retryAfter: null, request, options.SyntheticTokens, options.TokensPerSecond)
            : new Scenario.Answer(
                SyntheticLabel(options.SyntheticTokens, options.TokensPerSecond),
                AnswerPlanner.Synthetic(options.SyntheticTokens, request),
                options.TokensPerSecond,
                null);
    }

    private static Scenario FromScript(ScriptedResponse script, ChatRequest request)
    {
        if (script.Fault is { IsStatusFault: true } statusFault)
        {
            return new Scenario.Failure("script:fault:" + statusFault, statusFault, RetryAfter(statusFault, script.RetryAfter));
        }

        var label = script.Fault is { } streamFault ? "script:fault:" + streamFault : "script";
        return new Scenario.Answer(label, AnswerPlanner.FromScript(script, request), script.TokensPerSecond ?? 0, script.Fault, script.Hold, script.HoldAfterTokens ?? 1);
    }

    private static Scenario FromFault(EmulatorFault fault, int? retryAfter, ChatRequest request, int tokens, double rate) =>
        fault.IsStatusFault
            ? new Scenario.Failure("fault:" + fault, fault, RetryAfter(fault, retryAfter))
            : new Scenario.Answer("fault:" + fault, AnswerPlanner.Synthetic(tokens, request), rate, fault);

    private static int RetryAfter(EmulatorFault fault, int? scripted) =>
        scripted ?? (fault.Kind == FaultKind.RateLimited ? fault.Argument : null) ?? EmulatorFault.DefaultRetryAfterSeconds;

    private static string SyntheticLabel(int tokens, double rate) =>
        rate > 0 ? string.Create(CultureInfo.InvariantCulture, $"synthetic:{tokens}@{rate}") : string.Create(CultureInfo.InvariantCulture, $"synthetic:{tokens}");
}
