using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json.Nodes;

namespace HealthwatchPolicy.Engine.Acknowledgements;

/// <summary>One acknowledgement: a person read this version of the policy.</summary>
public sealed class AcknowledgementItem
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
/// has one home. Graph open extensions hold 2 KB: only the latest ten versions are kept (the journal keeps all).
/// </summary>
public sealed class AcknowledgementRecord
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
        if (extension?["acknowledgements"] is JsonArray array)
            foreach (JsonNode? node in array)
                if (node is JsonObject o && (string?)o["version"] is { } version
                    && DateTimeOffset.TryParse((string?)o["at"], CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out DateTimeOffset at))
                    items.Add(new AcknowledgementItem(version, at, (string?)o["recordedBy"] ?? ""));
        return new AcknowledgementRecord(items);
    }

    public AcknowledgementRecord With(AcknowledgementItem item) =>
        new(Items.Where(i => i.Version != item.Version).Append(item).OrderByDescending(i => i.At).Take(Keep).Reverse().ToList());

    public JsonObject ToJson() => new()
    {
        ["extensionName"] = ExtensionName,
        ["acknowledgements"] = new JsonArray(Items.Select(i => (JsonNode)new JsonObject
        {
            ["version"] = i.Version,
            ["at"] = i.At.ToString("o", CultureInfo.InvariantCulture),
            ["recordedBy"] = i.RecordedBy,
        }).ToArray()),
    };
}
