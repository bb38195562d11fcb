using System.Text.Json;
using System.Text.Json.Serialization;
using Maestro.Core.Sessions;
using Maestro.Core.Text;
using Maestro.Core.Tools;
using Microsoft.Extensions.AI;

namespace Maestro.Data;

/// <summary>How session settings, policies and message contents are stored as JSON.</summary>
internal static class SessionJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>
    /// Message contents use M.E.AI's own polymorphic JSON ("$type": text, reasoning, functionCall, …). jsonb does not keep
    /// key order, so the "$type" discriminator may come back after other keys.
    /// </summary>
    public static JsonSerializerOptions Contents { get; } = new(AIJsonUtilities.DefaultOptions) { AllowOutOfOrderMetadataProperties = true };

    /// <summary>
    /// Contents hold what models and tools wrote, which may include NUL or escaped lone surrogates that jsonb refuses:
    /// those are stored visibly replaced (<see cref="StorableText.EscapeJson"/>) rather than failing the turn.
    /// </summary>
    public static string SerializeContents(IList<AIContent> contents) =>
        StorableText.EscapeJson(JsonSerializer.Serialize(contents, Contents.GetTypeInfo(typeof(IList<AIContent>))));

    public static IList<AIContent> DeserializeContents(string json) =>
        (IList<AIContent>?)JsonSerializer.Deserialize(json, Contents.GetTypeInfo(typeof(IList<AIContent>))) ?? [];

    public static string? SerializeUsage(UsageDetails? usage) =>
        usage is null ? null : JsonSerializer.Serialize(usage, Contents.GetTypeInfo(typeof(UsageDetails)));

    public static UsageDetails? DeserializeUsage(string? json) =>
        json is null ? null : (UsageDetails?)JsonSerializer.Deserialize(json, Contents.GetTypeInfo(typeof(UsageDetails)));

    public static string SerializePolicy(ToolPolicy policy) => JsonSerializer.Serialize(
        new StoredPolicy(policy.Default?.ToWire(), policy.PerTool.ToDictionary(p => p.Key, p => p.Value.ToWire())), Options);

    public static ToolPolicy DeserializePolicy(string json)
    {
        var stored = JsonSerializer.Deserialize<StoredPolicy>(json, Options);
        if (stored is null)
        {
            return ToolPolicy.Empty;
        }

        var perTool = new Dictionary<string, ToolPermission>(StringComparer.Ordinal);
        foreach (var (tool, value) in stored.Tools ?? [])
        {
            if (ToolPermissionNames.TryParse(value) is { } permission)
            {
                perTool[tool] = permission;
            }
        }

        return new ToolPolicy(ToolPermissionNames.TryParse(stored.Default), perTool);
    }

    private sealed record StoredPolicy(string? Default, Dictionary<string, string>? Tools);
}
