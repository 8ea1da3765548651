using System.IO;
using System.Linq;
using HealthwatchPolicy.Engine.Policy;

namespace HealthwatchPolicy.Engine.Tests.Policy;

public class PolicyLoaderTests
{
    private static readonly string s_good = File.ReadAllText(Repo.PolicyPath);

    private static PolicyDiagnostic Single(string text)
    {
        PolicyLoadResult r = PolicyLoader.LoadText(text, "bad.yaml");
        Assert.False(r.IsValid);
        Assert.Null(r.Policy);
        Assert.NotEmpty(r.Diagnostics);
        Assert.All(r.Diagnostics, d => Assert.Equal("bad.yaml", d.File));
        Assert.All(r.Diagnostics, d => Assert.True(d.Line >= 1 && d.Column >= 1, d.ToString()));
        return r.Diagnostics[0];
    }

    private static int LineOf(string text, string needle) =>
        text.Substring(0, text.IndexOf(needle, System.StringComparison.Ordinal)).Count(c => c == '\n') + 1;

    // Identifier-like values with white space at an end or a line break inside load as something else than they look
    // (F3); each is refused at the value's own line and column. `value` is where the value starts in `to`.
    [Theory]
    [InlineData("postingGroupPrefix: HW-Posting", "postingGroupPrefix: \"HW-Posting\\n\"", "\"HW", "spec.parameters.postingGroupPrefix")]
    [InlineData("version: \"2018.10\"", "version: \" 2018.10 \"", "\" 2018", "metadata.version")]
    [InlineData("eligibleEmployeeTypes: [Staff, Volunteer]", "eligibleEmployeeTypes: [\" Staff \", Volunteer]", "\" Staff", "spec.parameters.eligibleEmployeeTypes[0]")]
    [InlineData("user: sarah.whitfield@hwsefton.example", "user: \"sarah.whitfield@hwsefton.example\\n\"", "\"sarah", "spec.roles[0].user")]
    [InlineData("- id: SMP-1.1", "- id: \"SMP-1.1\\n\"", "\"SMP", "spec.clauses[0].id")]
    [InlineData("- id: about", "- id: \"about\\n\"", "\"about", "spec.sections[0].id")]
    [InlineData("covers: [Staff, Volunteer", "covers: [\"Staff\\n\", Volunteer", "\"Staff", "spec.scope.covers[0]")]
    [InlineData("platforms: [Facebook,", "platforms: [\"Facebook\\n\",", "\"Facebook", "spec.scope.platforms[0]")]
    [InlineData("name: healthwatch-sefton-social-media", "name: \"healthwatch\\nsefton\"", "\"health", "metadata.name")]
    [InlineData("effective: 2018-10-01", "effective: \"2018-10-01 \"", "\"2018", "metadata.effective")]
    [InlineData("title: Healthwatch Sefton Social Media Policy", "title: \"Healthwatch Sefton\\nSocial Media Policy\"", "\"Health", "metadata.title")]
    [InlineData("graceDays: 7", "graceDays: -0", "-0", "spec.parameters.accessReview.graceDays")]
    [InlineData("graceDays: 7", "graceDays: +7", "+7", "spec.parameters.accessReview.graceDays")]
    public void An_identifier_with_surrounding_space_or_a_line_break_is_refused_at_the_value(string from, string to, string value, string key)
    {
        string text = s_good.Replace(from, to);
        Assert.NotEqual(s_good, text);
        int at = text.IndexOf(to, System.StringComparison.Ordinal) + to.IndexOf(value, System.StringComparison.Ordinal);
        PolicyDiagnostic d = Single(text);
        Assert.Equal(key, d.Key);
        Assert.Equal(LineOf(text, to), d.Line);
        Assert.Equal(at - text.LastIndexOf('\n', at), d.Column);
    }

    [Theory]
    [InlineData("\u200B")]   // zero-width space
    [InlineData("\u2060")]   // word joiner
    [InlineData("\u00AD")]   // soft hyphen
    [InlineData("\u200D")]   // zero-width joiner
    public void An_invisible_format_character_in_a_title_is_refused_at_its_position(string invisible)
    {
        string text = s_good.Replace("title: Healthwatch Sefton Social Media Policy", $"title: Healthwatch{invisible} Sefton Social Media Policy");
        PolicyDiagnostic d = Single(text);
        Assert.Equal(LineOf(text, "title: Healthwatch"), d.Line);
        Assert.Equal(21, d.Column);
        Assert.Contains("invisible format character", d.Message);
    }

    [Fact]
    public void A_date_may_be_quoted_or_plain_and_means_the_same()
    {
        PolicyDocument plain = PolicyLoader.LoadText(s_good, "p.yaml").GetPolicyOrThrow();
        PolicyDocument quoted = PolicyLoader.LoadText(s_good.Replace("effective: 2018-10-01", "effective: \"2018-10-01\""), "q.yaml").GetPolicyOrThrow();
        Assert.Equal(plain.Metadata.Effective, quoted.Metadata.Effective);
    }

    [Fact]
    public void Unknown_key_names_the_key_and_its_line()
    {
        string text = s_good.Replace("      kind: acknowledged\n      form: paragraph\n      text: (This",
                                     "      kind: acknowledged\n      colour: red\n      form: paragraph\n      text: (This");
        PolicyDiagnostic d = Single(text);
        Assert.Equal(LineOf(text, "colour: red"), d.Line);
        Assert.Equal(7, d.Column);
        Assert.Equal("spec.clauses[0].colour", d.Key);
        Assert.Contains("Unknown key 'colour'", d.Message);
    }

    [Fact]
    public void Wrong_type_names_the_key()
    {
        string text = s_good.Replace("maxPostersPerAccount: 3", "maxPostersPerAccount: three");
        PolicyDiagnostic d = Single(text);
        Assert.Equal(LineOf(text, "maxPostersPerAccount: three"), d.Line);
        Assert.Equal("spec.parameters.maxPostersPerAccount", d.Key);
    }

    [Fact]
    public void Missing_required_field_is_reported_at_its_owner()
    {
        string text = s_good.Replace("  title: Healthwatch Sefton Social Media Policy\n", "");
        PolicyDiagnostic d = Single(text);
        Assert.Equal("metadata.title", d.Key);
        Assert.Equal(LineOf(text, "  name: healthwatch-sefton-social-media"), d.Line);
    }

    [Fact]
    public void Duplicate_clause_id_points_at_the_second_one()
    {
        string text = s_good.Replace("- id: SMP-3.2", "- id: SMP-3.1");
        PolicyDiagnostic d = Single(text);
        Assert.Contains("Duplicate clause id 'SMP-3.1'", d.Message);
        Assert.Equal(LineOf(text, "- id: SMP-3.1\n      section: limits-of-use\n      kind: enforced\n      checks: [AuthorisedPosters"), d.Line);
        Assert.Equal("spec.clauses[8].id", d.Key);
    }

    [Fact]
    public void Unsupported_api_version_is_refused_before_anything_else()
    {
        PolicyLoadResult r = PolicyLoader.LoadText(s_good.Replace("healthwatch.policy/v1", "healthwatch.policy/v9"), "bad.yaml");
        PolicyDiagnostic d = Assert.Single(r.Diagnostics);
        Assert.Equal("apiVersion", d.Key);
        Assert.Contains("Unsupported apiVersion 'healthwatch.policy/v9'", d.Message);
    }

    [Fact]
    public void Enforced_clause_naming_an_unknown_check_is_refused()
    {
        string text = s_good.Replace("checks: [PolicyReview]", "checks: [PolicyReviw]");
        PolicyDiagnostic d = Single(text);
        Assert.Contains("Unknown check 'PolicyReviw'", d.Message);
        Assert.Equal(LineOf(text, "PolicyReviw"), d.Line);
        Assert.Equal("spec.clauses[33].checks[0]", d.Key);
    }

    [Fact]
    public void Enforced_clause_without_checks_is_refused()
    {
        Single(s_good.Replace("      checks: [PolicyReview]\n", ""));
    }

    [Theory]
    [InlineData("apiVersion: [healthwatch.policy/v1\n")]
    [InlineData("a: b\n  c: d\n")]
    [InlineData("key: 'unterminated\n")]
    [InlineData("- just\n- a list\n")]
    [InlineData("apiVersion: healthwatch.policy/v1\n---\napiVersion: healthwatch.policy/v1\n")]
    [InlineData("")]
    public void Malformed_yaml_is_a_diagnostic_not_an_exception(string text) => Single(text);

    [Fact]
    public void Duplicate_key_is_reported()
    {
        string text = s_good.Replace("  reviewIntervalMonths: 12\n", "  reviewIntervalMonths: 12\n  reviewIntervalMonths: 6\n");
        PolicyDiagnostic d = Single(text);
        Assert.Contains("reviewIntervalMonths", d.Message + d.Key);
    }

    [Fact]
    public void Every_problem_is_reported_not_just_the_first_semantic_one()
    {
        string text = s_good.Replace("kind: enforced\n      checks: [PolicyReview]", "kind: enforcd\n      checks: [PolicyReview]")
                            .Replace("maxPostersPerAccount: 3", "maxPostersPerAccount: 0")
                            .Replace("undecidedAction: Flag", "undecidedAction: Ignore");
        PolicyLoadResult r = PolicyLoader.LoadText(text, "bad.yaml");
        Assert.True(r.Diagnostics.Count >= 3, string.Join("\n", r.Diagnostics));
        Assert.Contains(r.Diagnostics, d => d.Key == "spec.parameters.maxPostersPerAccount");
        Assert.Contains(r.Diagnostics, d => d.Key == "spec.parameters.accessReview.undecidedAction");
        Assert.Contains(r.Diagnostics, d => d.Message.Contains("'enforcd'"));
    }

    [Fact]
    public void Load_of_a_missing_file_is_a_diagnostic()
    {
        PolicyLoadResult r = PolicyLoader.Load(Path.Combine(Path.GetTempPath(), "no-such-policy.yaml"));
        Assert.False(r.IsValid);
        Assert.Contains("Cannot read", Assert.Single(r.Diagnostics).Message);
    }

    [Fact]
    public void Invalid_policy_exception_names_file_line_and_key()
    {
        PolicyLoadResult r = PolicyLoader.LoadText(s_good.Replace("maxPostersPerAccount: 3", "maxPostersPerAccount: x"), "/tmp/p.yaml");
        var ex = Assert.Throws<PolicyInvalidException>(() => r.GetPolicyOrThrow());
        Assert.Equal("PolicyInvalid", ex.ErrorId);
        Assert.Matches(@"/tmp/p\.yaml:\d+:\d+: spec\.parameters\.maxPostersPerAccount", ex.Message);
    }
}
