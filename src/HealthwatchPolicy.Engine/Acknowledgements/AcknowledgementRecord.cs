using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json.Nodes;

namespace HealthwatchPolicy.Engine.Acknowledgements;

/// <summary>One acknowledgement: a person read this version of the policy.</summary>
internal sealed class AcknowledgementItem
{
    public AcknowledgementItem(string version, DateTimeOffset at, string recordedBy)
    {
        Version = version;
        At = at;
        RecordedBy = recordedBy;
    }

    public string Version { get; }
    public DateTimeOffset At { get; }
    public string RecordedBy { get; }
}

/// <summary>
/// The acknowledgements a person has made, kept with the person (the user's extension document), so the fact
/// has one home. Graph open extensions hold primitives or arrays of primitives, up to 2 KB: the record is three
/// parallel arrays (versions, times, who recorded them) of the latest ten versions (the journal keeps all).
/// </summary>
internal sealed class AcknowledgementRecord
{
    public const string ExtensionName = "org.healthwatch.policy.acknowledgement";
    private const int Keep = 10;

    private AcknowledgementRecord(IReadOnlyList<AcknowledgementItem> items) => Items = items;

    public IReadOnlyList<AcknowledgementItem> Items { get; }
    public AcknowledgementItem? Latest => Items.OrderByDescending(i => i.At).FirstOrDefault();

    public bool Has(string version) => Items.Any(i => i.Version == version);
    public AcknowledgementItem? For(string version) => Items.FirstOrDefault(i => i.Version == version);

    public static AcknowledgementRecord Read(JsonObject? extension)
    {
        var items = new List<AcknowledgementItem>();
        if (extension?["versions"] is JsonArray versions && extension["acknowledgedAt"] is JsonArray times)
        {
            var recorders = extension["recordedBy"] as JsonArray;
            for (int i = 0; i < versions.Count && i < times.Count; i++)
                if (Text(versions[i]) is { } version
                    && DateTimeOffset.TryParse(Text(times[i]), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out DateTimeOffset at))
                    items.Add(new AcknowledgementItem(version, at, (recorders is not null && i < recorders.Count ? Text(recorders[i]) : null) ?? ""));
        }
        return new AcknowledgementRecord(items);
    }

    public AcknowledgementRecord With(AcknowledgementItem item) =>
        new(Items.Where(i => i.Version != item.Version).Append(item).OrderByDescending(i => i.At).Take(Keep).Reverse().ToList());

    public JsonObject ToJson() => new()
    {
        ["extensionName"] = ExtensionName,
        ["versions"] = new JsonArray(Items.Select(i => (JsonNode?)JsonValue.Create(i.Version)).ToArray()),
        ["acknowledgedAt"] = new JsonArray(Items.Select(i => (JsonNode?)JsonValue.Create(i.At.ToString("o", CultureInfo.InvariantCulture))).ToArray()),
        ["recordedBy"] = new JsonArray(Items.Select(i => (JsonNode?)JsonValue.Create(i.RecordedBy)).ToArray()),
    };

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue(out string? s) ? s : null;
}
