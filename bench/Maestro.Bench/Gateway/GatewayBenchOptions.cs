using System.Globalization;

namespace Maestro.Bench.Gateway;

/// <summary>The settings of one `gateway` run (see bench/README.md, "Gateway").</summary>
public sealed record GatewayBenchOptions
{
    public const string PortkeyVersion = "1.15.2";

    /// <summary>Streams in flight at once in the throughput phase (a closed loop: each sends its next request when one ends).</summary>
    public int Concurrency { get; init; } = 32;

    /// <summary>Requests per second in the latency phase (an open loop, well below saturation).</summary>
    public double Rate { get; init; } = 20;

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(15);

    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Text deltas per streamed answer (the emulator sends them as fast as it can).</summary>
    public int Tokens { get; init; } = 50;

    public bool Portkey { get; init; } = true;

    public string? Checkout { get; init; }

    public bool Keep { get; init; }

    public const string Usage = """
        usage: Maestro.Bench gateway [options]
          --concurrency N   streams in flight in the throughput phase (default 32)
          --rate R          requests per second in the latency phase (default 20)
          --duration S      seconds of each measured phase, per path (default 15)
          --warmup S        seconds of unmeasured load first, per path (default 5)
          --tokens N        text deltas per streamed answer (default 50)
          --no-portkey      skip the Portkey row
          --maestro PATH    run Maestro from another checkout (default: this one)
          --keep            keep the temporary MAESTRO_HOME and the process logs
        """;

    public static GatewayBenchOptions Parse(string[] args)
    {
        var options = new GatewayBenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            double Number(double min) => double.TryParse(Value(), NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n >= min
                ? n
                : throw new ArgumentException($"{args[i - 1]} takes a number ≥ {min}, not '{args[i]}'.");

            options = args[i] switch
            {
                "--concurrency" => options with { Concurrency = (int)Number(1) },
                "--rate" => options with { Rate = Number(0.1) },
                "--duration" => options with { Duration = TimeSpan.FromSeconds(Number(1)) },
                "--warmup" => options with { Warmup = TimeSpan.FromSeconds(Number(0)) },
                "--tokens" => options with { Tokens = (int)Number(1) },
                "--no-portkey" => options with { Portkey = false },
                "--maestro" => options with { Checkout = Value() },
                "--keep" => options with { Keep = true },
                _ => throw new ArgumentException($"Unknown option '{args[i]}'.\n{Usage}"),
            };
        }

        return options;
    }
}
