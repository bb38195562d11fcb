using System.Net.Http.Headers;

namespace Maestro.Core.Quota;

/// <summary>A provider response as a quota reader sees it.</summary>
/// <param name="Body">The error body when <see cref="IQuotaReader.ReadsBody"/> asked for it; empty otherwise.</param>
public readonly record struct QuotaResponse(int Status, HttpResponseHeaders Headers, ReadOnlyMemory<byte> Body, DateTimeOffset Now);
