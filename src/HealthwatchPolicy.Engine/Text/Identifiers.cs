using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace HealthwatchPolicy.Engine.Text;

/// <summary>
/// The one rule for identifier-like input (accounts, users, periods, decisions, rule and clause ids, platforms,
/// versions, formats, ...), used by the cmdlets' <c>[Identifier]</c> transformation and by the engine's own lookups,
/// so that every path agrees (docs/decisions/0060-identifier-normalisation.md):
/// <list type="bullet">
/// <item>surrounding white space is removed, Unicode spaces included (no-break, thin, ideographic, line and paragraph
/// separators), and so are invisible format characters a spreadsheet or a copied web page leaves at the edges
/// (BOM / zero-width no-break space, zero-width space and joiners, word joiner, soft hyphen, left-to-right and
/// right-to-left marks and embeddings);</item>
/// <item>the rest is composed (Unicode NFC), so the same name typed two ways is one name; nothing inside is removed;</item>
/// <item>a value from a fixed set (<see cref="OneOf"/>) takes the set's own spelling (<c>keep</c> is <c>Keep</c>);
/// a name keeps the spelling given and is compared case-insensitively wherever it is looked up.</item>
/// </list>
/// </summary>
public static class Identifiers
{
    /// <summary>White space, or an invisible format character (Unicode category Cf).</summary>
    public static bool IsPadding(char c) =>
        char.IsWhiteSpace(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format;

    /// <summary>The value with its padding removed and composed; null stays null.</summary>
    public static string Normalise(string value)
    {
        if (value is null)
            return value!;
        int start = 0, end = value.Length;
        while (start < end && IsPadding(value[start]))
            start++;
        while (end > start && IsPadding(value[end - 1]))
            end--;
        string trimmed = start == 0 && end == value.Length ? value : value.Substring(start, end - start);
        return Compose(trimmed);
    }

    /// <summary><see cref="Normalise"/> for an optional value: null stays null.</summary>
    public static string? NormaliseOptional(string? value) => value is null ? null : Normalise(value);

    /// <summary>Each value normalised; null stays null.</summary>
    public static IReadOnlyCollection<string>? NormaliseAll(IReadOnlyCollection<string>? values)
    {
        if (values is null)
            return null;
        var result = new List<string>(values.Count);
        foreach (string v in values)
            result.Add(Normalise(v));
        return result;
    }

    /// <summary>
    /// A value from a fixed set: normalised, then spelt as the set spells it when it matches one member
    /// case-insensitively; otherwise the normalised value (for the caller to refuse).
    /// </summary>
    public static string OneOf(string value, IEnumerable<string> members)
    {
        string v = Normalise(value);
        if (v is null)
            return v!;
        foreach (string member in members)
            if (string.Equals(member, v, StringComparison.OrdinalIgnoreCase))
                return member;
        return v;
    }

    private static string Compose(string s)
    {
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] < 0x80)
                continue;
            try
            {
                return s.IsNormalized(NormalizationForm.FormC) ? s : s.Normalize(NormalizationForm.FormC);
            }
            catch (ArgumentException)
            {
                return s; // a lone surrogate: not a name anybody can have; left for the lookup to miss
            }
        }
        return s;
    }
}
