using System;
using System.Collections.Generic;
using System.Linq;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Text;

namespace HealthwatchPolicy.Engine.Policy;

/// <summary>Policy area of the engine: load, validate, render and compare policy files.</summary>
public sealed class PolicyService
{
    /// <summary>Policy functions over the bundled policy file at <paramref name="bundledPolicyPath"/>; reads nothing until asked.</summary>
    public PolicyService(string bundledPolicyPath) => BundledPolicyPath = bundledPolicyPath;

    /// <summary>The policy that ships with the module (<c>policy/social-media-policy.yaml</c>).</summary>
    public string BundledPolicyPath { get; }

    /// <summary>Validates a file without throwing.</summary>
    public PolicyLoadResult Test(string path) => PolicyLoader.Load(path);

    /// <summary>Loads a policy (the bundled one when <paramref name="path"/> is empty); throws <see cref="PolicyInvalidException"/>.</summary>
    public PolicyDocument Load(string? path = null) =>
        PolicyLoader.Load(string.IsNullOrEmpty(path) ? BundledPolicyPath : path!).GetPolicyOrThrow();

    /// <summary>The clauses of a policy, filtered; every filter is optional and matches case-insensitively.</summary>
    public IEnumerable<PolicyClause> Clauses(PolicyDocument policy, IReadOnlyCollection<string>? ids,
        ClauseKind? kind, IReadOnlyCollection<string>? sections) =>
        policy.Clauses.Where(c =>
            (ids is null || ids.Count == 0 || ids.Any(i => Wildcard.IsMatch(c.Id, i)))
            && (kind is null || c.Kind == kind)
            && (sections is null || sections.Count == 0
                || sections.Any(s => Wildcard.IsMatch(c.SectionId, s) || Wildcard.IsMatch(c.Section, s))));

    /// <summary>The policy as HTML (a whole page; <paramref name="largePrint"/> for the large-print stylesheet), Markdown or plain text. Throws <c>LargePrintNeedsHtml</c> when large print is asked of another format.</summary>
    public string Render(PolicyDocument policy, PolicyFormat format, bool largePrint)
    {
        if (largePrint && format != PolicyFormat.Html)
            throw new HwException(ErrorIds.LargePrintNeedsHtml,
                "Large print applies to the Html format; Markdown and Text take the reader's own font size.", format, input: "largePrint");
        return format switch
        {
            PolicyFormat.Markdown => PolicyRenderer.ToMarkdown(policy),
            PolicyFormat.Text => PolicyRenderer.ToText(policy),
            _ => PolicyRenderer.ToHtml(policy, largePrint),
        };
    }

    /// <summary>Clause-by-clause and parameter differences from <paramref name="reference"/> to <paramref name="difference"/>, in clause order. Pure.</summary>
    public IReadOnlyList<PolicyChange> Compare(PolicyDocument reference, PolicyDocument difference) =>
        PolicyComparer.Compare(reference, difference);
}

/// <summary>Alternative formats the policy renders to.</summary>
public enum PolicyFormat
{
    /// <summary>A whole HTML page with its own styles.</summary>
    Html,
    /// <summary>CommonMark Markdown.</summary>
    Markdown,
    /// <summary>Plain text, wrapped for reading.</summary>
    Text,
}

/// <summary>Simple '*' and '?' wildcards, case-insensitive, for filters the engine applies itself.</summary>
public static class Wildcard
{
    /// <summary>Whether <paramref name="value"/> matches <paramref name="pattern"/> (normalised first; '*' any run, '?' one character; ordinal, case-insensitive); a pattern without wildcards must match whole.</summary>
    public static bool IsMatch(string value, string pattern)
    {
        pattern = Identifiers.Normalise(pattern);
        if (pattern.IndexOfAny(new[] { '*', '?' }) < 0)
            return string.Equals(value, pattern, StringComparison.OrdinalIgnoreCase);
        string regex = @"\A" + System.Text.RegularExpressions.Regex.Escape(pattern).Replace(@"\*", ".*").Replace(@"\?", ".") + @"\z";
        return System.Text.RegularExpressions.Regex.IsMatch(value, regex,
            System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant);
    }
}
