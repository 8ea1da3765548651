using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Text;
using System.Text.Json;

namespace HealthwatchPolicy.Engine.Organisations;

/// <summary>
/// One organisation's summary document of one run over many organisations (docs/decisions/0190): a subset of the
/// saved compliance report: the organisation, when, the findings counted by severity, the overdue access reviews,
/// the journal witness and the errors that stopped or marred the run. Written as JSON
/// (<see cref="SchemaName"/>) by deploy/organisations/Invoke-HwOrganisations.ps1, one document per organisation
/// and run; read back and merged by <c>Get-HwOrganisationSummary</c>.
/// </summary>
public sealed class OrganisationSummary
{
    /// <summary>The value of the document's <c>schema</c> property.</summary>
    public const string SchemaName = "healthwatch-organisation-summary/1";

    /// <summary>The largest summary document read (1 MiB; a real one is under 2 KB plus its errors): a bigger file or blob is
    /// reported unreadable, not loaded (docs/decisions/0195).</summary>
    public const int MaxDocumentBytes = 1024 * 1024;

    /// <summary>The summary of a run that produced a report: the counts and witness of <paramref name="report"/> and the
    /// number of overdue access reviews, at <paramref name="at"/>. Throws <see cref="HealthwatchPolicy.Engine.Errors.HwException"/>
    /// <c>OrganisationNameInvalid</c> (see <see cref="CheckName"/>). With <paramref name="errors"/> (something failed after
    /// the report), the run is <see cref="Failed"/> and they are kept as <see cref="KeptErrors"/> keeps them.</summary>
    public static OrganisationSummary FromReport(string organisation, string? tenantId, Compliance.ComplianceSummary report, int overdueReviews, DateTimeOffset at,
        IEnumerable<string>? errors = null) => new()
    {
        Failed = errors?.Any() == true,
        Errors = KeptErrors(errors ?? Array.Empty<string>()),
        Organisation = CheckName(organisation),
        TenantId = tenantId ?? "",
        GeneratedAt = at,
        Critical = report.Critical,
        High = report.High,
        Medium = report.Medium,
        Low = report.Low,
        OverdueReviews = overdueReviews,
        Witness = report.Witness,
    };

    /// <summary>The summary of a run that an error stopped: <see cref="Failed"/>, the errors (each "ErrorId: message"; line
    /// breaks become spaces and other control characters are made visible), and the overdue reviews if they were counted.</summary>
    public static OrganisationSummary FromFailure(string organisation, string? tenantId, IEnumerable<string> errors, DateTimeOffset at, int overdueReviews = 0) => new()
    {
        Organisation = CheckName(organisation),
        TenantId = tenantId ?? "",
        GeneratedAt = at,
        Failed = true,
        OverdueReviews = overdueReviews,
        Errors = KeptErrors(errors),
    };

    /// <summary>A copy of <paramref name="summary"/> to save elsewhere: its name checked (<see cref="CheckName"/>), its time,
    /// counts, witness and errors kept; its source cleared.</summary>
    public static OrganisationSummary Copy(OrganisationSummary summary) => new()
    {
        Organisation = CheckName(summary.Organisation),
        TenantId = summary.TenantId,
        GeneratedAt = summary.GeneratedAt,
        Failed = summary.Failed,
        Critical = summary.Critical,
        High = summary.High,
        Medium = summary.Medium,
        Low = summary.Low,
        OverdueReviews = summary.OverdueReviews,
        Witness = summary.Witness,
        Errors = KeptErrors(summary.Errors),
    };

    /// <summary>An error message on one line, with no control character (CR, LF and their pairs become one space), at most
    /// <see cref="MaxErrorLength"/> characters (longer ones end in '…').</summary>
    public static string OneLine(string message)
    {
        string line = Text.SafeText.Neutralise(System.Text.RegularExpressions.Regex.Replace(message ?? "", "[\\r\\n\\u2028\\u2029]+", " ").Trim())!;
        return line.Length <= MaxErrorLength ? line : line.Substring(0, MaxErrorLength - 1) + "…";
    }

    /// <summary>The longest error message a summary keeps (2,000 characters).</summary>
    public const int MaxErrorLength = 2000;

    /// <summary>The most errors a summary keeps (50; then one line "... and N more"): with <see cref="MaxErrorLength"/>, a
    /// document stays far below <see cref="MaxDocumentBytes"/>, so Save never writes what Get would refuse.</summary>
    public const int MaxErrors = 50;

    /// <summary>Errors as a summary keeps them: each <see cref="OneLine"/>, at most <see cref="MaxErrors"/>.</summary>
    public static string[] KeptErrors(IEnumerable<string> errors)
    {
        List<string> all = errors.Select(OneLine).ToList();
        return all.Count <= MaxErrors ? all.ToArray()
            : all.Take(MaxErrors - 1).Append($"... and {all.Count - (MaxErrors - 1)} more errors").ToArray();
    }

    /// <summary>An organisation's name as documents hold it (<see cref="NormaliseName"/>). Throws
    /// <see cref="HealthwatchPolicy.Engine.Errors.HwException"/> <c>OrganisationNameInvalid</c> when <see cref="NameProblem"/>
    /// finds one (a line break in a name could forge a line of the runbook's output; an invisible character would make two
    /// organisations that read alike).</summary>
    public static string CheckName(string organisation)
    {
        string name = NormaliseName(organisation);
        if (NameProblem(name) is { } problem)
            throw new HealthwatchPolicy.Engine.Errors.HwException(HealthwatchPolicy.Engine.Errors.ErrorIds.OrganisationNameInvalid,
                $"The organisation's name '{Text.SafeText.Neutralise(name)}' {problem}.", Text.SafeText.Neutralise(name), input: "Organisation");
        return name;
    }

    /// <summary>The longest organisation name, in UTF-16 code units, after <see cref="NormaliseName"/>.</summary>
    public const int MaxNameLength = 256;

    /// <summary>An organisation's name as it is compared and kept: trimmed, every run of space separators (\p{Zs}: a
    /// no-break space, an ideographic space) one ASCII space, in Unicode normalisation form C. The organisations runner
    /// applies the same rule to the tenants file before any organisation runs.</summary>
    public static string NormaliseName(string? organisation) =>
        System.Text.RegularExpressions.Regex.Replace((organisation ?? "").Trim(), "\\p{Zs}+", " ").Trim().Normalize(NormalizationForm.FormC);

    /// <summary>Why a (normalised) name cannot be an organisation's, or null: empty; longer than <see cref="MaxNameLength"/>;
    /// or holding a character of \p{Cc}, \p{Cf} (the joiners U+200C and U+200D too: at a name's edge PowerShell's identifier
    /// rule strips them, so "Kent" and "Kent&lt;ZWJ&gt;" would be saved as one), \p{Zl}, \p{Zp}, \p{Cs}, \p{Co}, \p{Cn},
    /// or an invisible filler (U+034F, U+115F, U+1160, U+17B4, U+17B5, U+180B-U+180F, U+2800, U+3164, U+FE00-U+FE0F, U+FFA0,
    /// U+E0100-U+E01EF), checked by code point (an emoji, a pair of surrogates, is allowed; a lone surrogate is not).</summary>
    public static string? NameProblem(string name)
    {
        if (name.Length == 0)
            return "is empty";
        if (name.Length > MaxNameLength)
            return $"is {name.Length} characters long; at most {MaxNameLength} are allowed";
        // By code point, not UTF-16 unit: an emoji or a CJK Extension B character is a pair of surrogates and is allowed;
        // a lone surrogate is refused.
        for (int i = 0; i < name.Length; i += char.IsSurrogatePair(name, i) ? 2 : 1)
        {
            int codePoint = char.IsSurrogatePair(name, i) ? char.ConvertToUtf32(name, i) : name[i];
            if (IsRefusedInName(codePoint, CharUnicodeInfo.GetUnicodeCategory(name, i)))
                return $"holds the control or invisible character U+{codePoint:X4}; a name may hold letters, digits, spaces and visible punctuation";
        }
        return null;
    }

    private static bool IsRefusedInName(int c, UnicodeCategory category)
    {
        if (c is 0x034F or 0x115F or 0x1160 or 0x17B4 or 0x17B5 or 0x2800 or 0x3164 or 0xFFA0
            || (c >= 0x180B && c <= 0x180F) || (c >= 0xFE00 && c <= 0xFE0F) || (c >= 0xE0100 && c <= 0xE01EF))
            return true;
        return category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator
            or UnicodeCategory.ParagraphSeparator or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned;
    }

    /// <summary>The document's name in a store: <c>&lt;folder&gt;/&lt;yyyyMMddTHHmmssfffZ&gt;.json</c>, the folder being
    /// <see cref="FolderName"/> of the organisation. Names sort by time within a folder.</summary>
    public string DocumentName() =>
        FolderName(Organisation) + "/" + GeneratedAt.ToUniversalTime().ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture) + ".json";

    /// <summary>The most documents of one organisation with the same millisecond (the first and <c>_2</c> to <c>_9</c>):
    /// more means something writes in a loop, and is refused (<c>OrganisationSummaryWriteFailed</c>).</summary>
    public const int MaxSameMillisecond = 9;

    /// <summary>The name of the <paramref name="attempt"/>th document written in the same millisecond: <c>&lt;time&gt;_2.json</c>,
    /// which sorts after <c>&lt;time&gt;.json</c> (ordinal: '_' after '.'), so the later write is the latest by name too.</summary>
    public static string CollisionName(string fileName, int attempt) =>
        fileName.Substring(0, fileName.Length - ".json".Length) + "_" + attempt.ToString(CultureInfo.InvariantCulture) + ".json";

    /// <summary>The time a document name stands for (<c>yyyyMMddTHHmmssfffZ</c> at its start), or null.</summary>
    public static DateTimeOffset? TimeOfName(string fileName) =>
        fileName.Length >= 19 && DateTimeOffset.TryParseExact(fileName.Substring(0, 19), "yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset t) ? t : null;

    /// <summary>An organisation's folder (and blob prefix): its name in lowercase ASCII letters, digits and hyphens (at most
    /// 60), then a hyphen and the first 10 hex digits of the SHA-256 of the merge key (the normalised name in upper case), so two names that read alike
    /// once simplified ("Ynys Môn", "Ynys Mön") never share a folder.</summary>
    public static string FolderName(string organisation)
    {
        string lower = NormaliseName(organisation).ToLowerInvariant();
        var b = new StringBuilder();
        foreach (char c in lower)
        {
            bool keep = c is >= 'a' and <= 'z' or >= '0' and <= '9';
            if (keep)
                b.Append(c);
            else if (b.Length > 0 && b[b.Length - 1] != '-')
                b.Append('-');
        }
        string readable = b.ToString().Trim('-');
        if (readable.Length > 60)
            readable = readable.Substring(0, 60).Trim('-');
        using var sha = System.Security.Cryptography.SHA256.Create();
        // The hash is of the merge key (upper case), the one case rule of the merge and the runner's duplicate check:
        // lower and upper case fold differently ("ß" and "ẞ"), and two organisations the runner keeps apart must not
        // share a folder.
        byte[] hash = sha.ComputeHash(Encoding.UTF8.GetBytes(MergeKey(organisation ?? "")));
        string hex = string.Concat(hash.Take(5).Select(x => x.ToString("x2", CultureInfo.InvariantCulture)));
        return readable.Length == 0 ? "organisation-" + hex : readable + "-" + hex;
    }

    /// <summary>The organisation's name, as the tenants file gives it.</summary>
    public string Organisation { get; set; } = "";

    /// <summary>The Entra tenant id (or domain) of the organisation, or empty for a local directory.</summary>
    public string TenantId { get; set; } = "";

    /// <summary>When the run of this organisation ended (UTC).</summary>
    public DateTimeOffset GeneratedAt { get; set; }

    /// <summary>Critical findings of the compliance report (0 when the run failed before the report).</summary>
    public int Critical { get; set; }

    /// <summary>High findings.</summary>
    public int High { get; set; }

    /// <summary>Medium findings.</summary>
    public int Medium { get; set; }

    /// <summary>Low findings.</summary>
    public int Low { get; set; }

    /// <summary>All findings.</summary>
    public int Total => Critical + High + Medium + Low;

    /// <summary>Access reviews past their due date with undecided items (statuses Overdue and PastGrace).</summary>
    public int OverdueReviews { get; set; }

    /// <summary>The journal's witness line at the time of the report, or null.</summary>
    public string? Witness { get; set; }

    /// <summary>The errors of the run: each as "ErrorId: message" (no secrets: messages are the module's own). A
    /// <see cref="Text.TextList{T}"/>: its text form (Export-Csv) is the errors joined with "; " (docs/decisions/0160).</summary>
    public IReadOnlyList<string> Errors { get => _errors; set => _errors = value as Text.TextList<string> ?? Text.TextList.Of(value); }
    private Text.TextList<string> _errors = new();

    /// <summary>True when the run ended without a report (an error stopped it).</summary>
    public bool Failed { get; set; }

    /// <summary>Error (the run failed), Critical, High, Medium, Low or None: the worst thing about the organisation.</summary>
    public string WorstSeverity =>
        Failed ? "Error" : Critical > 0 ? "Critical" : High > 0 ? "High" : Medium > 0 ? "Medium" : Low > 0 ? "Low" : "None";

    /// <summary>Where the document was read from (a file path or blob name), or null.</summary>
    public string? Source { get; set; }

    internal int Rank => WorstSeverity switch { "Error" => 0, "Critical" => 1, "High" => 2, "Medium" => 3, "Low" => 4, _ => 5 };

    /// <summary>The document as JSON (camelCase properties, <c>schema</c> first).</summary>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("schema", SchemaName);
            w.WriteString("organisation", Organisation);
            w.WriteString("tenantId", TenantId);
            w.WriteString("generatedAt", GeneratedAt.ToUniversalTime().ToString("o", CultureInfo.InvariantCulture));
            w.WriteBoolean("failed", Failed);
            w.WriteStartObject("findings");
            w.WriteNumber("critical", Critical);
            w.WriteNumber("high", High);
            w.WriteNumber("medium", Medium);
            w.WriteNumber("low", Low);
            w.WriteNumber("total", Total);
            w.WriteEndObject();
            w.WriteNumber("overdueReviews", OverdueReviews);
            if (Witness is null) w.WriteNull("witness"); else w.WriteString("witness", Witness);
            w.WriteStartArray("errors");
            foreach (string e in Errors) w.WriteStringValue(e);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>The largest count a summary document may hold (findings of one severity, overdue reviews): far above any
    /// real organisation, and small enough that the sum of the four severities fits an <see cref="int"/>.</summary>
    public const int MaxCount = 1_000_000;

    /// <summary>How far after the reader's clock a document's <c>generatedAt</c> may be (a worker's clock a little
    /// ahead): 1 hour. A document dated later is refused, so a wrong clock cannot hide every later run.</summary>
    public static readonly TimeSpan MaxClockAhead = TimeSpan.FromHours(1);

    /// <summary>Reads one summary document. Throws <see cref="FormatException"/>, its message naming
    /// <paramref name="source"/>, when it is not one: not JSON, another schema, a missing or wrongly typed property, an
    /// empty organisation name or one with control characters, a count below 0 or above <see cref="MaxCount"/>, or a
    /// <c>generatedAt</c> later than <paramref name="notAfter"/> (when given). Organisation names are read in Unicode
    /// normalisation form C; control characters in error messages are made visible (<see cref="Text.SafeText"/>).</summary>
    public static OrganisationSummary Parse(string json, string? source, DateTimeOffset? notAfter = null)
    {
        string where = $"'{Text.SafeText.Neutralise(source)}'";
        try
        {
            using JsonDocument doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
            JsonElement root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("schema", out JsonElement schema)
                || schema.ValueKind != JsonValueKind.String || schema.GetString() != SchemaName)
                throw new FormatException($"{where} is not a {SchemaName} document.");
            string organisation = NormaliseName(Str(root, "organisation", required: true));
            if (NameProblem(organisation) is { } problem)
                throw new FormatException($"{where}: the organisation's name '{Text.SafeText.Neutralise(organisation)}' {problem}.");
            string generated = Str(root, "generatedAt", required: true)!;
            if (!DateTimeOffset.TryParse(generated, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset at))
                throw new FormatException($"{where}: generatedAt '{Text.SafeText.Neutralise(generated)}' is not a date and time (ISO 8601, such as 2026-11-30T09:15:00Z).");
            if (notAfter is { } limit && at > limit)
                throw new FormatException($"{where} is dated {at.ToUniversalTime():yyyy-MM-dd HH:mm} UTC, later than now: the clock of the machine that wrote it is wrong (it would hide every later run).");
            if (!root.TryGetProperty("findings", out JsonElement findings) || findings.ValueKind != JsonValueKind.Object)
                throw new FormatException($"{where}: 'findings' is missing or not an object.");
            bool failed = root.TryGetProperty("failed", out JsonElement f) && f.ValueKind == JsonValueKind.True;
            var errors = new List<string>();
            if (root.TryGetProperty("errors", out JsonElement es) && es.ValueKind != JsonValueKind.Null)
            {
                if (es.ValueKind != JsonValueKind.Array)
                    throw new FormatException($"{where}: 'errors' is not a list of texts.");
                foreach (JsonElement e in es.EnumerateArray())
                {
                    if (e.ValueKind != JsonValueKind.String)
                        throw new FormatException($"{where}: 'errors' holds something other than text.");
                    errors.Add(Text.SafeText.Neutralise(e.GetString()!)!);
                }
            }
            return new OrganisationSummary
            {
                Organisation = organisation,
                TenantId = Text.SafeText.Neutralise(Str(root, "tenantId", required: false)) ?? "",
                GeneratedAt = at,
                Failed = failed,
                Critical = Count(findings, "critical", where, required: true),
                High = Count(findings, "high", where, required: true),
                Medium = Count(findings, "medium", where, required: true),
                Low = Count(findings, "low", where, required: true),
                OverdueReviews = Count(root, "overdueReviews", where, required: false),
                Witness = Text.SafeText.Neutralise(Str(root, "witness", required: false)),
                Errors = errors,
                Source = source,
            };

            string? Str(JsonElement o, string name, bool required)
            {
                if (!o.TryGetProperty(name, out JsonElement v) || v.ValueKind == JsonValueKind.Null)
                    return required ? throw new FormatException($"{where}: '{name}' is missing.") : null;
                return v.ValueKind == JsonValueKind.String ? v.GetString() : throw new FormatException($"{where}: '{name}' is not text.");
            }
        }
        catch (JsonException ex)
        {
            throw new FormatException($"{where} is not readable JSON: {ex.Message}", ex);
        }
    }

    private static int Count(JsonElement o, string name, string where, bool required)
    {
        if (!o.TryGetProperty(name, out JsonElement v) || v.ValueKind == JsonValueKind.Null)
            return required ? throw new FormatException($"{where}: '{name}' is missing.") : 0;
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out int n))
            throw new FormatException($"{where}: '{name}' is not a whole number.");
        if (n < 0 || n > MaxCount)
            throw new FormatException($"{where}: '{name}' is {n}; a count is from 0 to {MaxCount:N0}.");
        return n;
    }

    /// <summary>The key two documents of one organisation share: the name in normalisation form C, case-insensitive.</summary>
    internal static string MergeKey(string organisation) => NormaliseName(organisation).ToUpperInvariant();

    /// <summary>The latest summary of each organisation (by name in normalisation form C, case-insensitive; of two with the
    /// same time, the later-named document, which is the later write), worst first: failed runs, then by worst severity,
    /// then by overdue reviews (most first), then by name.</summary>
    public static IReadOnlyList<OrganisationSummary> Merge(IEnumerable<OrganisationSummary> summaries) =>
        summaries
            .GroupBy(s => MergeKey(s.Organisation), StringComparer.Ordinal)
            .Select(g => g.OrderByDescending(s => s.GeneratedAt).ThenByDescending(s => s.Source ?? "", StringComparer.Ordinal).First())
            .OrderBy(s => s.Rank).ThenByDescending(s => s.Critical).ThenByDescending(s => s.High)
            .ThenByDescending(s => s.OverdueReviews).ThenBy(s => s.Organisation, StringComparer.OrdinalIgnoreCase)
            .ToList();

    /// <summary>An accessible HTML overview of merged summaries: one table (caption, column headers with scope),
    /// organisations worst first, severity in words (never colour alone), the errors named.</summary>
    public static string RenderHtml(IReadOnlyList<OrganisationSummary> merged) => RenderHtml(merged, Array.Empty<string>());

    /// <summary>As <see cref="RenderHtml(IReadOnlyList{OrganisationSummary})"/>, with the documents that could not be read
    /// named after the table (an organisation whose newest document is broken shows its last readable one).</summary>
    public static string RenderHtml(IReadOnlyList<OrganisationSummary> merged, IReadOnlyList<string> unreadable)
    {
        static string H(string? s) => WebUtility.HtmlEncode(Text.SafeText.Neutralise(s) ?? ""); // control characters made visible, then encoded
        var b = new StringBuilder();
        int failed = merged.Count(s => s.Failed);
        b.Append("<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
         .Append("<title>Organisations overview - HealthwatchPolicy</title>\n<style>\nbody{font-family:system-ui,Arial,sans-serif;font-size:1rem;line-height:1.5;max-width:70rem;margin:1rem auto;padding:0 1rem;color:#1a1a1a;background:#fff}\n")
         .Append("table{border-collapse:collapse;width:100%}th,td{border:1px solid #555;padding:.4rem .6rem;text-align:left;vertical-align:top}th{background:#e8e8e8}\n")
         .Append(".Error,.Critical{font-weight:bold}\n</style>\n</head>\n<body>\n<main>\n<h1>Organisations overview</h1>\n")
         .Append("<p>").Append(merged.Count.ToString(CultureInfo.InvariantCulture)).Append(" organisations; ")
         .Append(failed.ToString(CultureInfo.InvariantCulture)).Append(" runs failed; ")
         .Append(merged.Sum(s => s.OverdueReviews).ToString(CultureInfo.InvariantCulture)).Append(" overdue reviews.")
         .Append(merged.Count == 0 ? "" : " Latest summary " + H(merged.Max(s => s.GeneratedAt).ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)) + ".")
         .Append("</p>\n")
         .Append("<table>\n<caption>Organisations, worst first (the latest summary of each)</caption>\n<thead><tr>")
         .Append("<th scope=\"col\">Organisation</th><th scope=\"col\">Worst</th><th scope=\"col\">Critical</th><th scope=\"col\">High</th><th scope=\"col\">Medium</th><th scope=\"col\">Low</th><th scope=\"col\">Overdue reviews</th><th scope=\"col\">Run</th><th scope=\"col\">Errors</th>")
         .Append("</tr></thead>\n<tbody>\n");
        foreach (OrganisationSummary s in merged)
        {
            b.Append("<tr><th scope=\"row\">").Append(H(s.Organisation)).Append("</th><td class=\"").Append(s.WorstSeverity).Append("\">").Append(s.WorstSeverity).Append("</td>");
            foreach (int n in new[] { s.Critical, s.High, s.Medium, s.Low, s.OverdueReviews })
                b.Append("<td>").Append(n.ToString(CultureInfo.InvariantCulture)).Append("</td>");
            b.Append("<td>").Append(H(s.GeneratedAt.ToUniversalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture))).Append("</td><td>")
             .Append(s.Errors.Count == 0 ? "None" : string.Join("<br>", s.Errors.Select(H))).Append("</td></tr>\n");
        }
        b.Append("</tbody>\n</table>\n");
        if (unreadable.Count > 0)
        {
            b.Append("<h2>Documents that could not be read (").Append(unreadable.Count.ToString(CultureInfo.InvariantCulture)).Append(")</h2>\n")
             .Append("<p>Each is left out of the table; an organisation whose newest summary is among them shows its last readable one.</p>\n<ul>\n");
            foreach (string u in unreadable)
                b.Append("<li>").Append(H(u)).Append("</li>\n");
            b.Append("</ul>\n");
        }
        b.Append("</main>\n</body>\n</html>\n");
        return b.ToString();
    }
}
