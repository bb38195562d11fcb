namespace Maestro.Gateway.Inbound;

/// <summary>What a request asks of the model beyond text, checked against each target's provider before any call.</summary>
[Flags]
public enum RequestNeeds
{
    None = 0,
    Images = 1,
    Tools = 2,
}
