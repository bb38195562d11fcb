namespace Maestro.Tests.Telemetry;

/// <summary>One exported span, its ids as hex, its attributes as strings (arrays joined with commas).</summary>
internal sealed record OtlpSpan(string TraceId, string SpanId, string ParentSpanId, string Name, int Kind, IReadOnlyDictionary<string, string> Attributes)
{
    public string? this[string attribute] => Attributes.TryGetValue(attribute, out var value) ? value : null;
}

/// <summary>One exported metric data point: the metric's name, the point's attributes, and its sum (histograms) or value.</summary>
internal sealed record OtlpPoint(string Metric, IReadOnlyDictionary<string, string> Attributes, double Value, long Count);

/// <summary>Decodes OTLP/HTTP protobuf export requests (ExportTraceServiceRequest, ExportMetricsServiceRequest).</summary>
internal static class OtlpData
{
    public static IEnumerable<OtlpSpan> Spans(ReadOnlyMemory<byte> request)
    {
        foreach (var resourceSpans in ProtoReader.Messages(request, 1))
        {
            foreach (var scopeSpans in ProtoReader.Messages(resourceSpans, 2))
            {
                foreach (var span in ProtoReader.Messages(scopeSpans, 2))
                {
                    var fields = ProtoReader.Fields(span);
                    yield return new OtlpSpan(
                        Hex(fields, 1),
                        Hex(fields, 2),
                        Hex(fields, 4),
                        fields.FirstOrDefault(f => f.Number == 5).String,
                        (int)fields.FirstOrDefault(f => f.Number == 6).Varint,
                        Attributes(fields.Where(f => f.Number == 9)));
                }
            }
        }
    }

    public static IEnumerable<OtlpPoint> Points(ReadOnlyMemory<byte> request)
    {
        foreach (var resourceMetrics in ProtoReader.Messages(request, 1))
        {
            foreach (var scopeMetrics in ProtoReader.Messages(resourceMetrics, 2))
            {
                foreach (var metric in ProtoReader.Messages(scopeMetrics, 2))
                {
                    var fields = ProtoReader.Fields(metric);
                    var name = fields.First(f => f.Number == 1).String;
                    // gauge (5) and sum (7) hold NumberDataPoints; histogram (9) HistogramDataPoints; all in field 1.
                    foreach (var data in fields.Where(f => f.Number is 5 or 7 or 9 && f.WireType == 2))
                    {
                        foreach (var point in ProtoReader.Messages(data.Bytes, 1))
                        {
                            var p = ProtoReader.Fields(point);
                            var attributes = Attributes(p.Where(f => f.Number == (data.Number == 9 ? 9 : 7)));
                            yield return data.Number == 9
                                ? new OtlpPoint(name, attributes, p.FirstOrDefault(f => f.Number == 5).Double, p.FirstOrDefault(f => f.Number == 4).Int64)
                                : new OtlpPoint(name, attributes, p.FirstOrDefault(f => f.Number == 4).Double + p.FirstOrDefault(f => f.Number == 6).Int64, 1);
                        }
                    }
                }
            }
        }
    }

    private static Dictionary<string, string> Attributes(IEnumerable<ProtoReader.Field> keyValues)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var keyValue in keyValues)
        {
            var fields = ProtoReader.Fields(keyValue.Bytes);
            var key = fields.First(f => f.Number == 1).String;
            attributes[key] = fields.FirstOrDefault(f => f.Number == 2) is { WireType: 2 } value ? Value(value.Bytes) : "";
        }

        return attributes;
    }

    /// <summary>An AnyValue: string (1), bool (2), int (3), double (4), array (5) of AnyValues.</summary>
    private static string Value(ReadOnlyMemory<byte> anyValue)
    {
        var field = ProtoReader.Fields(anyValue).FirstOrDefault();
        return field.Number switch
        {
            1 => field.String,
            2 => field.Varint != 0 ? "true" : "false",
            3 => field.Int64.ToString(System.Globalization.CultureInfo.InvariantCulture),
            4 => field.Double.ToString(System.Globalization.CultureInfo.InvariantCulture),
            5 => string.Join(",", ProtoReader.Messages(field.Bytes, 1).Select(Value)),
            _ => "",
        };
    }

    private static string Hex(List<ProtoReader.Field> fields, int number) =>
        fields.FirstOrDefault(f => f.Number == number) is { WireType: 2 } field ? Convert.ToHexStringLower(field.Bytes.Span) : "";
}
