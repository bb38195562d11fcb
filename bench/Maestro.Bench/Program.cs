using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Order;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Maestro.Bench;
using Maestro.Bench.Gateway;
using Maestro.Bench.Latency;
using Maestro.Bench.Load;
using Maestro.Bench.Parse;
using Maestro.Bench.Streams;

// dotnet run -c Release --project bench/Maestro.Bench -- <parse|latency|load|gateway|check> [options]   (see bench/README.md)
var mode = args.Length > 0 ? args[0] : "";
var rest = args.Length > 0 ? args[1..] : [];
switch (mode)
{
    case "parse":
        var config = DefaultConfig.Instance
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumn(TokenColumn.Tokens, TokenColumn.TokensPerSecond, TokenColumn.BytesPerToken)
            .WithOrderer(new DefaultOrderer(SummaryOrderPolicy.Declared, MethodOrderPolicy.Alphabetical))
            .WithSummaryStyle(SummaryStyle.Default.WithMaxParameterColumnWidth(40));
        if (!rest.Any(a => a is "--job" or "-j"))
        {
            // 2 shared cores: the medium job is the default; pass --job short for a quick look.
            config = config.AddJob(Job.MediumRun);
        }

        BenchmarkSwitcher.FromTypes([typeof(AnthropicMessagesParse), typeof(OpenAIResponsesParse), typeof(ChatCompletionsParse), typeof(GeminiParse)])
            .Run(rest, config);
        return 0;
    case "latency":
        var iterations = IntOption(rest, "--iterations", 2000);
        var warmup = IntOption(rest, "--warmup", 200);
        var adapters = Option(rest, "--adapter") is { } name
            ? [Enum.Parse<Adapter>(name, ignoreCase: true)]
            : Enum.GetValues<Adapter>();
        await new LatencyRunner(iterations, warmup, adapters, Console.Out).RunAsync();
        return 0;
    case "load" when rest.Any(a => a is "--help" or "-h"):
        Console.WriteLine(LoadOptions.Usage);
        return 0;
    case "load":
        return await RunAsync(rest, LoadOptions.Parse, (load, ct) => new LoadRunner(load, Console.Out, Console.Error).RunAsync(ct));
    case "gateway" when rest.Any(a => a is "--help" or "-h"):
        Console.WriteLine(GatewayBenchOptions.Usage);
        return 0;
    case "gateway":
        return await RunAsync(rest, GatewayBenchOptions.Parse, (gateway, ct) => new GatewayBenchRunner(gateway, Console.Out, Console.Error).RunAsync(ct));
    case "check":
        return await StreamCheck.RunAsync(Console.Out);
    case "allocs" when rest.Length >= 2:
        var trickle = rest.Contains("--trickle");
        var side = rest.Length > 2 && rest[2] != "--trickle" ? rest[2] : "maestro";
        return await AllocationProfile.RunAsync(Enum.Parse<Adapter>(rest[0], ignoreCase: true), rest[1], side, trickle, Console.Out);
    case "dump" when rest.Length == 2:
        // The exact bytes a parse benchmark feeds, e.g. `dump ChatCompletions "synthetic 1000"`.
        var stream = StreamLibrary.All(Enum.Parse<Adapter>(rest[0], ignoreCase: true)).FirstOrDefault(s => s.Name == rest[1])
            ?? throw new ArgumentException($"No stream '{rest[1]}'; see `check` for the names.");
        await Console.OpenStandardOutput().WriteAsync(stream.Bytes);
        return 0;
    default:
        Console.Error.WriteLine("usage: Maestro.Bench parse [BenchmarkDotNet options] | latency [--iterations N] [--warmup N] [--adapter A] | load [--sessions N …] (load --help) | gateway [--concurrency N …] (gateway --help) | check | dump ADAPTER STREAM | allocs ADAPTER STREAM [maestro|sdk] [--trickle]");
        Console.Error.WriteLine($"adapters: {string.Join(", ", Enum.GetNames<Adapter>())}");
        return 2;
}

static string? Option(string[] args, string name)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
}

static int IntOption(string[] args, string name, int fallback)
{
    if (Option(args, name) is not { } text)
    {
        return fallback;
    }

    return int.TryParse(text, out var value) && value > 0
        ? value
        : throw new ArgumentException($"{name} must be a positive whole number, not '{text}'.");
}

// A console mode with options: a usage error is exit code 2; Ctrl+C cancels the run (which then stops what it started).
static async Task<int> RunAsync<T>(string[] args, Func<string[], T> parse, Func<T, CancellationToken, Task<int>> run)
{
    T options;
    try
    {
        options = parse(args);
    }
    catch (ArgumentException ex)
    {
        Console.Error.WriteLine(ex.Message);
        return 2;
    }

    using var cancel = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) =>
    {
        e.Cancel = true;
        cancel.Cancel();
    };
    return await run(options, cancel.Token);
}
