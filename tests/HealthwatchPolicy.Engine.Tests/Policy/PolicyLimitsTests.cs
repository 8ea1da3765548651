using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using HealthwatchPolicy.Engine.Policy;

namespace HealthwatchPolicy.Engine.Tests.Policy;

/// <summary>
/// Issue 11, kinds 1-4: each example from the issue with the diagnostic it must give (position and message).
/// The fuzz suite (tests/module/Module/PolicyFuzz.Tests.ps1) throws many more of each kind through the module.
/// </summary>
public class PolicyLimitsTests
{
    private static readonly string s_good = File.ReadAllText(Repo.PolicyPath);

    private static PolicyLoadResult Load(string text)
    {
        var clock = Stopwatch.StartNew();
        PolicyLoadResult r = PolicyLoader.LoadText(text, "bad.yaml");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
        return r;
    }

    /// <summary>The text must be refused, with a diagnostic at exactly this line and column whose message says this.</summary>
    private static PolicyDiagnostic At(PolicyLoadResult r, int line, int column, string message)
    {
        Assert.False(r.IsValid);
        Assert.Null(r.Policy);
        PolicyDiagnostic? d = r.Diagnostics.FirstOrDefault(x => x.Line == line && x.Column == column);
        Assert.True(d is not null, $"no diagnostic at {line}:{column}: {string.Join(" | ", r.Diagnostics)}");
        Assert.Contains(message, d!.Message);
        return d;
    }

    private static (int Line, int Column) PositionOf(string text, string needle, int offset = 0)
    {
        int at = text.IndexOf(needle, StringComparison.Ordinal) + offset;
        Assert.True(at >= offset, $"'{needle}' is not in the text");
        int line = text.Substring(0, at).Count(c => c == '\n') + 1;
        int column = at - (text.LastIndexOf('\n', Math.Max(0, at - 1)) + 1) + 1;
        if (at > 0 && text[at - 1] == '\n') column = 1;
        return (line, column);
    }

    // ---- kind 1: resource exhaustion ----

    [Fact]
    public void Recursive_alias_in_a_mapping_is_refused_at_the_anchor_and_the_alias()
    {
        PolicyLoadResult r = Load("a: &a\n  b: *a\n");
        Assert.Equal("a", At(r, 1, 4, "Anchors (&a) are not allowed").Key);
        Assert.Equal("a.b", At(r, 2, 6, "Aliases (*a) are not allowed").Key);
    }

    [Fact]
    public void Recursive_alias_in_a_flow_list_is_refused()
    {
        PolicyLoadResult r = Load("x: &x [*x]");
        At(r, 1, 4, "Anchors (&x) are not allowed");
        Assert.Equal("x[0]", At(r, 1, 8, "Aliases (*x) are not allowed").Key);
    }

    [Fact]
    public void Exponential_aliases_are_refused_before_any_expansion()
    {
        // 8 levels of ten aliases each (the issue's 430-byte file took 41 s), under a key that is unknown anyway.
        var sb = new StringBuilder("junk:\n  l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (int i = 1; i <= 8; i++)
            sb.Append($"  l{i}: &l{i} [").Append(string.Join(", ", Enumerable.Repeat($"*l{i - 1}", 10))).Append("]\n");
        PolicyLoadResult r = Load(sb.ToString());
        Assert.Equal("junk.l0", At(r, 2, 7, "Anchors (&l0) are not allowed").Key);
        At(r, 3, 12, "Aliases (*l0) are not allowed");
    }

    [Fact]
    public void Fifty_thousand_open_brackets_are_refused_at_the_depth_limit()
    {
        PolicyLoadResult r = Load(new string('[', 50_000));
        At(r, 1, PolicyLimits.MaxDepth + 1, $"more than {PolicyLimits.MaxDepth} deep");
    }

    [Fact]
    public void Deep_block_mappings_are_refused_at_the_first_level_too_deep()
    {
        var sb = new StringBuilder();
        for (int i = 0; i < 40; i++)
            sb.Append(new string(' ', 2 * i)).Append("k").Append(i).Append(":\n");
        PolicyLoadResult r = Load(sb.ToString());
        // the mapping that is one level too deep starts at key k16, on line 17
        At(r, PolicyLimits.MaxDepth + 1, 2 * PolicyLimits.MaxDepth + 1, $"more than {PolicyLimits.MaxDepth} deep");
    }

    [Fact]
    public void An_eight_megabyte_policy_file_is_refused_where_it_passes_the_limit()
    {
        string path = Path.Combine(Path.GetTempPath(), $"hw-big-{Guid.NewGuid():N}.yaml");
        try
        {
            string line = "# " + new string('x', 97) + "\n"; // 100 bytes
            using (var w = new StreamWriter(path, false, new UTF8Encoding(false)))
            {
                w.Write(s_good);
                for (int i = 0; i < 80_000; i++)
                    w.Write(line);
            }
            Assert.True(new FileInfo(path).Length > 8_000_000);
            var clock = Stopwatch.StartNew();
            PolicyLoadResult r = PolicyLoader.Load(path);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2));
            // the padding is ASCII: the first byte past the limit is this character of the text
            int multiByte = Encoding.UTF8.GetByteCount(s_good) - s_good.Length;
            (int l, int c) = PositionOf(s_good + string.Concat(Enumerable.Repeat(line, 11_000)), "", PolicyLimits.MaxFileBytes - multiByte);
            At(r, l, c, $"larger than {PolicyLimits.MaxFileBytes:N0} bytes");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_four_megabyte_version_is_refused_by_size_and_a_long_one_by_its_field_limit()
    {
        Assert.Contains("larger than", Assert.Single(Load(s_good.Replace("version: \"2018.10\"", "version: " + new string('9', 4 << 20))).Diagnostics).Message);

        string text = s_good.Replace("version: \"2018.10\"", "version: " + new string('9', 33));
        (int line, int column) = PositionOf(text, "999", 0);
        PolicyDiagnostic d = At(Load(text), line, column, "'metadata.version' may be at most 32 characters long; it is 33");
        Assert.Equal("metadata.version", d.Key);
    }

    [Fact]
    public void A_clause_text_longer_than_any_field_may_be_is_refused_at_the_value()
    {
        string text = s_good.Replace("text: (This policy", "text: (This " + new string('y', PolicyLimits.MaxScalarLength) + " policy");
        (int line, int column) = PositionOf(text, "(This y");
        At(Load(text), line, column, $"no value in a policy may be longer than {PolicyLimits.MaxScalarLength:N0}");
    }

    [Fact]
    public void Dev_zero_is_refused_as_not_a_regular_file_without_reading_it()
    {
        PolicyDiagnostic d = Assert.Single(PolicyLoader.Load("/dev/zero").Diagnostics);
        Assert.Contains("not a regular file (it is a character device)", d.Message);
    }

    // ---- kind 2: loose scalars ----

    [Theory]
    [InlineData("y", "'y'")]
    [InlineData("yes", "'yes'")]
    [InlineData("on", "'on'")]
    [InlineData("off", "'off'")]
    [InlineData("True", "'True'")]
    [InlineData("FALSE", "'FALSE'")]
    [InlineData("\"false\"", "the quoted text \"false\"")]
    [InlineData("'true'", "the quoted text \"true\"")]
    public void Booleans_are_plain_true_or_false_only(string written, string shown)
    {
        string text = s_good.Replace("guestsMayPost: false", "guestsMayPost: " + written);
        (int line, int column) = PositionOf(text, "guestsMayPost: ", "guestsMayPost: ".Length);
        PolicyDiagnostic d = At(Load(text), line, column, $"is true or false, written plainly in lower case; it is {shown}");
        Assert.Equal("spec.parameters.guestsMayPost", d.Key);
    }

    [Theory]
    [InlineData("3_0")]
    [InlineData("0x1F")]
    [InlineData("014")]
    [InlineData("+3")]
    [InlineData("3.0")]
    [InlineData("1e1")]
    [InlineData("\"3\"")]
    public void Integers_are_plain_decimal_digits_only(string written)
    {
        string text = s_good.Replace("maxPostersPerAccount: 3", "maxPostersPerAccount: " + written);
        (int line, int column) = PositionOf(text, "maxPostersPerAccount: ", "maxPostersPerAccount: ".Length);
        PolicyDiagnostic d = At(Load(text), line, column, "must be a whole number from 1 to 100, written in plain digits");
        Assert.Equal("spec.parameters.maxPostersPerAccount", d.Key);
    }

    [Fact]
    public void Invalid_utf8_is_refused_at_its_line_and_column_not_replaced()
    {
        // cp1252 curly quotes around the first clause's text
        byte[] good = Encoding.UTF8.GetBytes(s_good);
        int at = Encoding.UTF8.GetByteCount(s_good.Substring(0, s_good.IndexOf("(This policy is available", StringComparison.Ordinal)));
        byte[] bytes = good.Take(at).Append((byte)0x93).Concat(good.Skip(at)).Append((byte)0x94).ToArray();
        string path = Path.Combine(Path.GetTempPath(), $"hw-cp1252-{Guid.NewGuid():N}.yaml");
        try
        {
            File.WriteAllBytes(path, bytes);
            (int line, int column) = PositionOf(s_good, "(This policy is available");
            PolicyDiagnostic d = At(PolicyLoader.Load(path), line, column, "not valid UTF-8: byte 0x93");
            Assert.Equal(path, d.File);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData('\0', "NUL")]
    [InlineData('\u0007', "BEL")]
    [InlineData('\u001B', "ESC")]
    [InlineData('\u0085', "control character")]
    [InlineData('\u202E', "bidirectional")]
    [InlineData('\u2066', "bidirectional")]
    [InlineData('\uFFFD', "replacement character")]
    public void Control_and_bidi_characters_in_text_are_refused_at_their_position(char c, string named)
    {
        string text = s_good.Replace("(This policy is available", "(This " + c + "policy is available");
        (int line, int column) = PositionOf(text, c.ToString());
        PolicyDiagnostic d = At(Load(text), line, column, $"The character U+{(int)c:X4} (");
        Assert.Contains(named, d.Message);
    }

    [Fact]
    public void A_control_character_written_as_an_escape_is_refused_at_its_value()
    {
        string text = s_good.Replace("text: (This policy is available in alternative formats on request)",
            "text: \"(This \\u202Epolicy is available in alternative formats on request)\"");
        (int line, int column) = PositionOf(text, "\"(This");
        PolicyDiagnostic d = At(Load(text), line, column, "U+202E");
        Assert.Equal("spec.clauses[0].text", d.Key);
    }

    // ---- kind 3: positions ----

    [Fact]
    public void An_alias_to_a_missing_anchor_is_reported_where_it_is()
    {
        PolicyDiagnostic d = At(Load("apiVersion: healthwatch.policy/v1\nkind: *nope\n"), 2, 7, "Aliases (*nope) are not allowed");
        Assert.Equal("kind", d.Key);
    }

    [Fact]
    public void An_empty_list_item_is_reported_at_the_item_not_at_its_owner()
    {
        string text = s_good.Replace("    - id: about\n      title: About this policy\n", "    -\n    - id: about\n      title: About this policy\n");
        // an empty item is an empty value standing just after its dash
        (int line, int column) = PositionOf(text, "    -\n", 5);
        PolicyDiagnostic d = At(Load(text), line, column, "'spec.sections[0]' is empty");
        Assert.Equal("spec.sections[0]", d.Key);
    }

    [Fact]
    public void A_tab_used_as_indentation_is_reported_at_the_tab_not_at_one_one()
    {
        // YamlDotNet gives this error no position of its own
        string text = s_good.Replace("\nspec:\n", "\nspec:\n\t\n");
        (int line, int column) = PositionOf(text, "\t");
        Assert.True(line > 1);
        At(Load(text), line, column, "tab");
    }

    [Fact]
    public void A_second_document_is_reported_where_it_starts()
    {
        string text = s_good + "---\napiVersion: healthwatch.policy/v1\n";
        (int line, int column) = PositionOf(text, "---\n");
        At(Load(text), line, column, "exactly one YAML document");
    }

    [Fact]
    public void A_tag_is_refused_where_it_is()
    {
        string text = s_good.Replace("maxPostersPerAccount: 3", "maxPostersPerAccount: !!int 3");
        (int line, int column) = PositionOf(text, "!!int");
        At(Load(text), line, column, "Tags (tag:yaml.org,2002:int) are not allowed");
    }

    // ---- kind 4: ranges ----

    [Theory]
    [InlineData("dueDays: 14", "dueDays: ", "3000000", "'spec.parameters.accessReview.dueDays' must be from 1 to 90; it is '3000000'")]
    [InlineData("dueDays: 14", "dueDays: ", "91", "'spec.parameters.accessReview.dueDays' must be from 1 to 90; it is '91'")]
    [InlineData("graceDays: 7", "graceDays: ", "2147483647", "'spec.parameters.accessReview.graceDays' must be from 0 to 90; it is '2147483647'")]
    [InlineData("graceDays: 7", "graceDays: ", "-1", "'spec.parameters.accessReview.graceDays' must be from 0 to 90; it is '-1'")]
    [InlineData("intervalMonths: 1", "intervalMonths: ", "2147483647", "'spec.parameters.accessReview.intervalMonths' must be from 1 to 12; it is '2147483647'")]
    [InlineData("intervalMonths: 1", "intervalMonths: ", "99999999999999999999", "must be from 1 to 12; it is '99999999999999999999'")]
    [InlineData("reviewIntervalMonths: 12", "reviewIntervalMonths: ", "61", "'metadata.reviewIntervalMonths' must be from 1 to 60; it is '61'")]
    [InlineData("maxPostersPerAccount: 3", "maxPostersPerAccount: ", "0", "'spec.parameters.maxPostersPerAccount' must be from 1 to 100; it is '0'")]
    [InlineData("maxPostersPerAccount: 3", "maxPostersPerAccount: ", "101", "'spec.parameters.maxPostersPerAccount' must be from 1 to 100; it is '101'")]
    [InlineData("nextReviewDue: 2019-10-01", "nextReviewDue: ", "9999-12-31", "'metadata.nextReviewDue' must fall in the years 2000 to 2099")]
    public void Every_number_is_kept_to_its_documented_range(string from, string prefix, string value, string message)
    {
        string text = s_good.Replace(from, prefix + value);
        (int line, int column) = PositionOf(text, prefix + value, prefix.Length);
        At(Load(text), line, column, message);
    }

    [Fact]
    public void The_ends_of_every_range_load()
    {
        foreach ((string key, (int min, int max)) in PolicyLimits.NumberRange)
        {
            string name = key.Substring(key.LastIndexOf('.') + 1) + ": ";
            int at = s_good.IndexOf("  " + name, StringComparison.Ordinal) + 2;
            int end = s_good.IndexOf('\n', at);
            foreach (int value in new[] { min, max })
            {
                string text = s_good.Substring(0, at) + name + value + s_good.Substring(end);
                PolicyLoadResult r = Load(text);
                Assert.True(r.IsValid, $"{key}: {value}: {string.Join(" | ", r.Diagnostics)}");
            }
        }
    }
}
