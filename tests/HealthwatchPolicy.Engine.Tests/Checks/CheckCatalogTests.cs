using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using HealthwatchPolicy.Engine.Checks;
using HealthwatchPolicy.Engine.Compliance;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Local;
using HealthwatchPolicy.Engine.Policy;
using HealthwatchPolicy.Engine.Register;
using HealthwatchPolicy.Engine.Sessions;

namespace HealthwatchPolicy.Engine.Tests.Checks;

/// <summary>The catalogue is the check classes: found without a list, each used by the policy, each rule documented.</summary>
public sealed class CheckCatalogTests
{
    private static string ChecksFolder => Path.Combine(Repo.Root, "src", "HealthwatchPolicy.Engine", "Checks");

    [Fact]
    public void Every_check_class_in_the_source_is_discovered_and_nothing_else()
    {
        // Read from the files, not from the assembly, so a class the discovery missed would show.
        var declared = Directory.EnumerateFiles(ChecksFolder, "*.cs")
            .SelectMany(f => Regex.Matches(File.ReadAllText(f), @"class (\w+) : PolicyCheck\b").Select(m => m.Groups[1].Value))
            .OrderBy(n => n, StringComparer.Ordinal).ToArray();
        Assert.NotEmpty(declared);
        Assert.Equal(declared, CheckCatalog.Checks.Select(c => c.GetType().Name).OrderBy(n => n, StringComparer.Ordinal));
        Assert.Equal(CheckCatalog.Checks.Count, CheckCatalog.Names.Distinct().Count());
    }

    [Fact]
    public void Every_check_the_bundled_policy_names_resolves_to_a_class_and_every_class_is_named()
    {
        PolicyDocument policy = new PolicyService(Repo.PolicyPath).Load();
        var named = policy.Clauses.SelectMany(c => c.Checks).Distinct().OrderBy(n => n, StringComparer.Ordinal).ToArray();
        Assert.All(named, n => Assert.Single(CheckCatalog.Checks, c => c.Name == n));
        Assert.Equal(named, CheckCatalog.Names.OrderBy(n => n, StringComparer.Ordinal));
    }

    [Fact]
    public void Every_rule_belongs_to_its_check_has_a_unique_id_and_is_documented_in_order()
    {
        var rules = PolicyChecks.All.SelectMany(c => c.Rules.Select(r => (Check: c.Name, Rule: r))).ToList();
        Assert.All(rules, x => Assert.Equal(x.Check, x.Rule.Check));
        Assert.Equal(rules.Count, rules.Select(x => x.Rule.Id).Distinct().Count());
        Assert.Equal(rules.Select(x => x.Rule), ComplianceRules.All);

        // docs/compliance-rules.md: one row per rule, "| id | check | severity | title |", in catalogue order.
        string doc = File.ReadAllText(Path.Combine(Repo.Root, "docs", "compliance-rules.md"));
        var rows = Regex.Matches(doc, @"^\| (HW-[A-Z]{3}-\d{3}) \| (\w+) \| (\w+) \| ([^|]+) \|", RegexOptions.Multiline)
            .Select(m => (Id: m.Groups[1].Value, Check: m.Groups[2].Value, Severity: m.Groups[3].Value, Title: m.Groups[4].Value.Trim()))
            .ToList();
        Assert.Equal(rules.Select(x => (x.Rule.Id, x.Rule.Check, x.Rule.Severity.ToString(), x.Rule.Title)), rows);

        // The last column is the manager's next step, word for word: plain language, no command in it.
        var steps = Regex.Matches(doc, @"^\| (HW-[A-Z]{3}-\d{3}) \|.*\| ([^|]+) \|\s*$", RegexOptions.Multiline)
            .Select(m => (Id: m.Groups[1].Value, Step: m.Groups[2].Value.Trim())).ToList();
        Assert.Equal(rules.Select(x => (x.Rule.Id, x.Rule.NextStep)), steps);
        Assert.All(rules, x => Assert.DoesNotMatch(@"`|-Hw|\b[A-Z][a-z]+-Hw|\w+-\w+Access\b", x.Rule.NextStep));
    }
}

/// <summary>Typed refusals: the reason, the clause, and the policy parameter and value that decided it.</summary>
public sealed class TypedRefusalTests : IDisposable
{
    private readonly TestOrg _org = new();
    private readonly HwServices _session;
    private readonly OfficialAccount _account;

    public TypedRefusalTests()
    {
        _session = new HwEngine(Repo.PolicyPath, "unused").ConnectTo(new LocalDirectory(_org.Folder), "Test", _org.StateFolder, null, new TestClock());
        _account = _session.Register.Create("Facebook", "hw", null, null, TestOrg.Comms, TestOrg.Manager, null, "r");
    }

    [Theory]
    [InlineData(TestOrg.Leaver, RefusalReason.PosterDisabled, null, "PosterDisabled")]
    [InlineData(TestOrg.Guest, RefusalReason.PosterIsGuest, "guestsMayPost", "PosterIsGuest")]
    [InlineData(TestOrg.Trustee, RefusalReason.PosterTypeNotEligible, "eligibleEmployeeTypes", "PosterTypeNotEligible")]
    [InlineData(TestOrg.NotAcknowledged, RefusalReason.PolicyNotAcknowledged, "acknowledgementRequiredToPost", "PolicyNotAcknowledged")]
    public void A_refused_grant_says_why_which_clause_and_which_parameter(string user, RefusalReason reason, string? parameter, string errorId)
    {
        PolicyRefusal r = Assert.Single(_session.Access.Grant(_account.Name, user, "r").Refusals);
        Assert.Equal((reason, "PosterEligibility", "SMP-3.2", parameter, errorId), (r.Reason, r.Check, r.ClauseId, r.Parameter, r.ErrorId));
        Assert.Equal((_account.Name, user), (r.Account, r.User));
        PolicyParameters p = _session.Policy.Parameters;
        object? expected = parameter switch
        {
            "guestsMayPost" => p.GuestsMayPost,
            "eligibleEmployeeTypes" => p.EligibleEmployeeTypes,
            "acknowledgementRequiredToPost" => p.AcknowledgementRequiredToPost,
            _ => null,
        };
        Assert.Equal(expected, r.Value);
        Assert.StartsWith(r.Explanation, r.Message);
        Assert.EndsWith($"Policy clause SMP-3.2: \"{_session.Policy.FindClause("SMP-3.2")!.Text}\"", r.Message);
    }

    [Fact]
    public void The_poster_limit_names_maxPostersPerAccount_and_its_value()
    {
        foreach (string u in new[] { TestOrg.Staff1, TestOrg.Staff2, TestOrg.Staff3 })
            Assert.Empty(_session.Access.Grant(_account.Name, u, "r").Refusals);
        PolicyRefusal r = Assert.Single(_session.Access.Grant(_account.Name, TestOrg.Volunteer, "r").Refusals);
        Assert.Equal((RefusalReason.PosterLimitReached, "PosterLimit", "maxPostersPerAccount", (object?)3, HwErrorKind.LimitsExceeded),
            (r.Reason, r.Check, r.Parameter, r.Value, r.Kind));
    }

    [Theory]
    [InlineData(TestOrg.Staff1, RefusalReason.ConsenterNotAllowed, "accountConsentFrom")]
    [InlineData(TestOrg.Comms, RefusalReason.ConsentBySelf, null)]
    [InlineData(TestOrg.Leaver, RefusalReason.ConsenterDisabled, null)]
    public void A_refused_account_throws_the_typed_refusal(string consentBy, RefusalReason reason, string? parameter)
    {
        var ex = Assert.Throws<PolicyRefusalException>(() => _session.Register.Create("Facebook", "other", null, null, TestOrg.Comms, consentBy, null, "r"));
        Assert.Equal((reason, "LineManagerConsent", "SMP-3.1", parameter), (ex.Refusal.Reason, ex.Refusal.Check, ex.ClauseId, ex.Refusal.Parameter));
        Assert.Equal(("AccountConsentInvalid", HwErrorKind.PermissionDenied), (ex.ErrorId, ex.Kind));
        Assert.Equal(ex.Refusal.Message, ex.Message);
    }

    [Fact]
    public void A_disabled_owner_is_the_owner_checks_refusal_even_when_consent_is_wrong_too()
    {
        var ex = Assert.Throws<PolicyRefusalException>(() => _session.Register.Create("Facebook", "other", null, null, TestOrg.Leaver, TestOrg.Staff1, null, "r"));
        Assert.Equal((RefusalReason.OwnerDisabled, "AccountOwner", "AccountOwnerDisabled"), (ex.Refusal.Reason, ex.Refusal.Check, ex.ErrorId));
    }

    public void Dispose() => _org.Dispose();
}
