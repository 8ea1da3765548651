using System;
using System.Globalization;
using HealthwatchPolicy.Engine.Ports;

namespace HealthwatchPolicy.Engine.Compliance;

/// <summary>
/// The saved reports the monthly job keeps in the state store: <c>reports/latest.json</c> (the last one mailed, what
/// the next mail's "Since the last report" compares with) and <c>reports/&lt;yyyy-MM&gt;.json</c> (the month's last).
/// Each is replaced only over the version read (a conflict otherwise).
/// </summary>
internal sealed class ReportArchive
{
    internal const string Latest = "reports/latest.json";

    private readonly IStateStore _store;

    public ReportArchive(IStateStore store) => _store = store;

    /// <summary>The last saved report, or null when none was saved yet. A damaged one is <c>ReportInvalid</c>.</summary>
    public SavedComplianceReport? ReadLatest() =>
        _store.Read(Latest) is { } d ? SavedComplianceReport.Parse(d.Content, _store.Locate(Latest)) : null;

    /// <summary>Saves <paramref name="report"/> as the latest and as its month's (UTC) report.</summary>
    public void Save(SavedComplianceReport report)
    {
        string json = report.ToJson();
        Put(Latest, json);
        Put("reports/" + report.Run.FinishedAt.UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture) + ".json", json);
    }

    private void Put(string name, string content)
    {
        if (_store.Read(name) is { } existing)
            _store.Replace(name, content, existing.Version);
        else
            _store.Create(name, content);
    }
}
