namespace Maestro.Providers.Gemini;

/// <summary>A validated generateContent request: the model it is for and its JSON body, serialized once for every attempt.</summary>
internal sealed record GeminiRequest(GeminiModel Model, ReadOnlyMemory<byte> Body);
