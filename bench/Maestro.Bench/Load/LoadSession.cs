namespace Maestro.Bench.Load;

/// <summary>One session of a load run: where its turn starts, who watches it, and how the start went.</summary>
public sealed class LoadSession(int index, string name, Uri turnServer)
{
    public int Index { get; } = index;

    public string Name { get; } = name;

    /// <summary>The instance its turn is started on.</summary>
    public Uri TurnServer { get; } = turnServer;

    public List<LoadViewer> Viewers { get; } = [];

    /// <summary>When the first start request was sent (Stopwatch ticks): first text is measured from here.</summary>
    public long StartSent { get; set; }

    /// <summary>Time of the start request that was accepted (after any 429s), in ms.</summary>
    public double StartMs { get; set; } = double.NaN;

    /// <summary>When the accepted start's answer arrived (Stopwatch ticks; 0 until then): the turn's own set-up runs from here.</summary>
    public long StartAnswered { get; set; }

    /// <summary>Why the turn did not start (null when it did).</summary>
    public string? StartError { get; set; }

    /// <summary>Start requests refused with 429 before one was accepted.</summary>
    public int Refusals { get; set; }
}
