using System.Globalization;

namespace Maestro.Bench.Load;

/// <summary>The settings of one `load` run (see bench/README.md, "Load").</summary>
public sealed record LoadOptions
{
    public int Sessions { get; init; } = 100;

    public int Tokens { get; init; } = 200;

    public double Rate { get; init; } = 20;

    public string? Model { get; init; }

    public string Provider { get; init; } = "anthropic";

    public int ViewersPerSession { get; init; } = 1;

    public int Instances { get; init; } = 1;

    /// <summary>Session creations in flight at once.</summary>
    public int InFlight { get; init; } = 100;

    /// <summary>Turn starts in flight at once; 0 = every turn at the same moment.</summary>
    public int StartInFlight { get; init; }

    /// <summary>Direct requests to the emulator sent with the turns, for its own first-byte time under the same load.</summary>
    public int Probes { get; init; } = 20;

    /// <summary>Turns of the measured answer run before the measured ones, so the processes are warm.</summary>
    public int Warmup { get; init; } = 50;

    /// <summary>
    /// A quiet wait after the warm-up: past a minute the servers' idle provider connections close (the HTTP client's
    /// idle timeout) while their compiled code stays, so a run can tell the one from the other.
    /// </summary>
    public TimeSpan PauseAfterWarmup { get; init; }

    public string? Checkout { get; init; }

    public bool Keep { get; init; }

    public bool NoFsync { get; init; }

    /// <summary>HTTP/2 between the servers and the emulator (MAESTRO_PROVIDER_HTTP_VERSION=2, `emulate --http2`).</summary>
    public bool Http2 { get; init; }

    public TimeSpan? Timeout { get; init; }

    /// <summary>Tool rounds per turn (read_file, scripted in the emulator) before its answer; 0 = plain answers.</summary>
    public int ToolRounds { get; init; }

    /// <summary>The size of the file each tool round reads, in KB.</summary>
    public int ToolOutputKb { get; init; } = 8;

    /// <summary>Saved prompts every session stacks (its system prompt); 0 = none.</summary>
    public int Prompts { get; init; }

    /// <summary>Also report the servers' own time per create and start (Kestrel's request events, over EventPipe).</summary>
    public bool ServerTimes { get; init; }

    /// <summary>Extra environment for the servers (KEY=VALUE), e.g. a running-turn limit.</summary>
    public IReadOnlyDictionary<string, string> ServerEnvironment { get; init; } = new Dictionary<string, string>();

    public string EffectiveModel => Model ?? string.Create(CultureInfo.InvariantCulture, $"synthetic:{Tokens}@{Rate}");

    /// <summary>How long to wait for every turn to finish after the start.</summary>
    public TimeSpan TurnTimeout => Timeout ?? TimeSpan.FromSeconds((Rate > 0 ? Tokens / Rate : 5) * 3 + 120);

    public const string Usage = """
        usage: Maestro.Bench load [options]
          --sessions N          concurrent sessions, one turn each (default 100)
          --tokens N --rate R   the emulator's synthetic answer: N tokens at R tokens/s (default 200 at 20)
          --model M             any emulator model instead (e.g. synthetic:100@5, fixture:NAME)
          --provider P          anthropic | openai | gemini (default anthropic)
          --viewers N           event-stream viewers per session (default 1)
          --instances 1|2       servers on one database; with 2, turns alternate between them and viewers
                                attach to the other one (default 1)
          --in-flight N         session creations in flight at once (default 100)
          --start-in-flight N   turn starts in flight at once (default 0: every turn at the same moment)
          --probes N            direct requests to the emulator during the start, for its own first byte (default 20)
          --warmup N            unmeasured turns of the same answer first, twice, so the processes are warm
                                (JIT) (default 50)
          --pause-after-warmup S  wait S seconds after the warm-up (default 0); past 60 the servers' idle provider
                                connections have closed while their compiled code stays warm
          --maestro PATH        run the servers from another checkout (default: this one)
          --server-env K=V      extra environment for the servers (repeatable)
          --timeout S           seconds to wait for the turns (default 3 × the answer's duration + 120)
          --tool-rounds N       agents' turns: about N rounds of read_file per turn (scripted in the emulator)
                                before the answer, each adding an answer and a tool result to the thread (default 0)
          --tool-output KB      the size of the file those rounds read (default 8)
          --prompts N           every session stacks N saved prompts of about a KB each (a persona, then system
                                prompts) as its system prompt (default 0)
          --no-fsync            the embedded database without fsync (default: durable, as users run it)
          --http2               the servers speak HTTP/2 to the emulator, many turns per connection
                                (MAESTRO_PROVIDER_HTTP_VERSION=2; default HTTP/1.1, a connection per turn)
          --server-times        also report the servers' own time per session create and turn start (Kestrel's
                                request events over an EventPipe session; off by default, as its reading takes a
                                little of the cores the run measures)
          --keep                keep the temporary MAESTRO_HOME and the process logs
        """;

    public static LoadOptions Parse(string[] args)
    {
        var options = new LoadOptions();
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int Count(int min) => int.TryParse(Value(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min
                ? n
                : throw new ArgumentException($"{args[i - 1]} takes a whole number ≥ {min}, not '{args[i]}'.");

            options = args[i] switch
            {
                "--sessions" => options with { Sessions = Count(1) },
                "--tokens" => options with { Tokens = Count(1) },
                "--rate" => options with
                {
                    Rate = double.TryParse(Value(), NumberStyles.Float, CultureInfo.InvariantCulture, out var r) && r >= 0
                        ? r
                        : throw new ArgumentException($"--rate takes tokens per second (0 = as fast as possible), not '{args[i]}'."),
                },
                "--model" => options with { Model = Value() },
                "--provider" => options with
                {
                    Provider = Value() is "anthropic" or "openai" or "gemini" ? args[i] : throw new ArgumentException($"--provider is anthropic, openai or gemini, not '{args[i]}'."),
                },
                "--viewers" => options with { ViewersPerSession = Count(1) },
                "--instances" => options with
                {
                    Instances = Count(1) is var n && n <= 2 ? n : throw new ArgumentException("--instances is 1 or 2."),
                },
                "--in-flight" => options with { InFlight = Count(1) },
                "--start-in-flight" => options with { StartInFlight = Count(0) },
                "--probes" => options with { Probes = Count(0) },
                "--warmup" => options with { Warmup = Count(0) },
                "--pause-after-warmup" => options with { PauseAfterWarmup = TimeSpan.FromSeconds(Count(0)) },
                "--maestro" => options with { Checkout = Value() },
                "--timeout" => options with { Timeout = TimeSpan.FromSeconds(Count(1)) },
                "--tool-rounds" => options with { ToolRounds = Count(0) },
                "--tool-output" => options with { ToolOutputKb = Count(1) },
                "--prompts" => options with { Prompts = Count(0) },
                "--no-fsync" => options with { NoFsync = true },
                "--http2" => options with { Http2 = true },
                "--keep" => options with { Keep = true },
                "--server-times" => options with { ServerTimes = true },
                "--server-env" => AddEnvironment(options, environment, Value()),
                _ => throw new ArgumentException($"Unknown option '{args[i]}'.\n{Usage}"),
            };
        }

        return options with { ServerEnvironment = environment };
    }

    private static LoadOptions AddEnvironment(LoadOptions options, Dictionary<string, string> environment, string pair)
    {
        var at = pair.IndexOf('=', StringComparison.Ordinal);
        if (at <= 0)
        {
            throw new ArgumentException($"--server-env takes KEY=VALUE, not '{pair}'.");
        }

        environment[pair[..at]] = pair[(at + 1)..];
        return options;
    }
}
