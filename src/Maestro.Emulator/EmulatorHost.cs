namespace Maestro.Emulator;

internal static class EmulatorHost
{
}
