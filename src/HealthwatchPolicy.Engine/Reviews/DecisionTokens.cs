using System;
using System.Collections.Generic;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using HealthwatchPolicy.Engine.Ports;

namespace HealthwatchPolicy.Engine.Reviews;

/// <summary>
/// The decision token a Keep or Remove link carries (docs/decisions/0200): <c>HW-&lt;yyyy-MM&gt;-&lt;K|R&gt;-&lt;item&gt;-&lt;mac&gt;</c>,
/// where <c>item</c> is the item's 1-based position in the review and <c>mac</c> is HMAC-SHA256 over
/// <c>hw-review-decision/v1</c>, the period, the account, the poster's object id, the decision and the assigned
/// reviewer (lower-cased, one per line), truncated to its first 128 bits and written base64url (22 characters).
/// The key is 32 random bytes kept as the state document <see cref="KeyDocument"/>, created on first use; it is
/// never written to mail, output or the journal. A token is about 40 characters: short enough for any subject line.
/// </summary>
internal sealed class DecisionTokens
{
    /// <summary>The state document that holds the signing key.</summary>
    public const string KeyDocument = "secrets/review-decision-key.json";
    private const int MacBytes = 16;

    private static readonly Regex s_token = new(@"HW-(20[0-9]{2}-(?:0[1-9]|1[0-2]))-([KR])-([1-9][0-9]{0,4})-([A-Za-z0-9_-]{22})(?![A-Za-z0-9_-])",
        RegexOptions.CultureInvariant);

    private static readonly Regex s_attempt = new(@"(?<![A-Za-z0-9])HW-[0-9]{4}-[0-9]{1,2}-[^\s\[\]]*", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

    private readonly IStateStore _state;
    private byte[]? _key;

    public DecisionTokens(IStateStore state) => _state = state;

    /// <summary>The token for <paramref name="decision"/> on the item at <paramref name="index"/> (0-based) of <paramref name="review"/>.</summary>
    public string For(AccessReview review, int index, string decision)
    {
        AccessReviewItem item = review.Items[index];
        return $"HW-{review.Period}-{(decision == ReviewDecisions.Remove ? 'R' : 'K')}-{(index + 1).ToString(CultureInfo.InvariantCulture)}-{Mac(review.Period, item, decision)}";
    }

    /// <summary>Every distinct thing shaped like a token in <paramref name="text"/>, parsed (not verified), in order of appearance.</summary>
    public static IReadOnlyList<ParsedToken> FindAll(string? text)
    {
        var found = new List<ParsedToken>();
        if (string.IsNullOrEmpty(text))
            return found;
        foreach (Match m in s_token.Matches(text))
            if (!found.Exists(t => string.Equals(t.Text, m.Value, StringComparison.Ordinal)))
                found.Add(new ParsedToken(m.Value, m.Groups[1].Value, m.Groups[2].Value == "R" ? ReviewDecisions.Remove : ReviewDecisions.Keep,
                    int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture) - 1, m.Groups[4].Value));
        return found;
    }

    /// <summary>
    /// Text that starts like a token (<c>HW-</c>, four digits, <c>-</c>, one or two digits, <c>-</c>; any case) but may not
    /// parse: a link's code edited in length or form (decision 0201). The first such text, up to the next space or
    /// bracket and at most 80 characters, or null.
    /// </summary>
    public static string? FindAttempt(string? text)
    {
        if (string.IsNullOrEmpty(text))
            return null;
        Match m = s_attempt.Match(text);
        return m.Success ? (m.Value.Length > 80 ? m.Value.Substring(0, 80) : m.Value) : null;
    }

    /// <summary>Whether <paramref name="token"/> was signed with this state's key for exactly that item of <paramref name="review"/> as it stands (constant-time compare).</summary>
    public bool Verify(AccessReview review, ParsedToken token)
    {
        if (!string.Equals(review.Period, token.Period, StringComparison.Ordinal) || token.Index < 0 || token.Index >= review.Items.Count)
            return false;
        byte[] expected = Encoding.ASCII.GetBytes(Mac(review.Period, review.Items[token.Index], token.Decision));
        byte[] given = Encoding.ASCII.GetBytes(token.Mac);
        if (expected.Length != given.Length)
            return false;
        int diff = 0;
        for (int i = 0; i < expected.Length; i++)
            diff |= expected[i] ^ given[i];
        return diff == 0;
    }

    private string Mac(string period, AccessReviewItem item, string decision)
    {
        string canonical = string.Join("\n", "hw-review-decision/v1", period, item.Account.ToLowerInvariant(), item.UserId.ToLowerInvariant(),
            decision, item.Reviewer.ToLowerInvariant());
        using var hmac = new HMACSHA256(Key());
        byte[] full = hmac.ComputeHash(Encoding.UTF8.GetBytes(canonical));
        return Convert.ToBase64String(full, 0, MacBytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>The key: read from the state store, or made (32 bytes from the system's CSPRNG) and stored only if absent.</summary>
    private byte[] Key()
    {
        if (_key is not null)
            return _key;
        for (int attempt = 0; attempt < 3; attempt++)
        {
            if (_state.Read(KeyDocument) is { } doc)
                return _key = Parse(doc.Content);
            byte[] key = new byte[32];
            using (RandomNumberGenerator rng = RandomNumberGenerator.Create())
                rng.GetBytes(key);
            try
            {
                _state.Create(KeyDocument, new JsonObject
                {
                    ["algorithm"] = "HMAC-SHA256",
                    ["key"] = Convert.ToBase64String(key),
                    ["purpose"] = "Signs the decision tokens of the access review mail's Keep and Remove links (docs/decisions/0200). Keep this document private.",
                }.ToJsonString() + "\n");
                return _key = key;
            }
            catch (StateConflictException)
            {
                // Another process created it first: use theirs.
            }
        }
        throw new InvalidOperationException("The review decision key could not be read or created.");
    }

    private static byte[] Parse(string content)
    {
        JsonObject o = JsonNode.Parse(content)?.AsObject() ?? throw new FormatException("The review decision key document is empty.");
        byte[] key = Convert.FromBase64String((string?)o["key"] ?? "");
        if (key.Length < 32)
            throw new FormatException("The review decision key is shorter than 256 bits.");
        return key;
    }
}

/// <summary>A token found in a message: its text, period, decision, 0-based item index and MAC (not yet verified).</summary>
internal sealed class ParsedToken
{
    public ParsedToken(string text, string period, string decision, int index, string mac)
    {
        Text = text;
        Period = period;
        Decision = decision;
        Index = index;
        Mac = mac;
    }

    public string Text { get; }
    public string Period { get; }
    public string Decision { get; }
    public int Index { get; }
    public string Mac { get; }
}
