using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using HealthwatchPolicy.Engine.Policy;

namespace HealthwatchPolicy.Engine.Tests.Policy;

public class BundledPolicyTests
{
    private static PolicyDocument Load()
    {
        PolicyLoadResult result = PolicyLoader.Load(Repo.PolicyPath);
        Assert.True(result.IsValid, string.Join("\n", result.Diagnostics));
        return result.Policy!;
    }

    private static string Normalise(string s) => Regex.Replace(s.Replace('·', ' '), @"\s+", " ").Trim();

    [Fact]
    public void Bundled_policy_loads_with_metadata_roles_and_parameters()
    {
        PolicyDocument p = Load();
        Assert.Equal("healthwatch.policy/v1", p.ApiVersion);
        Assert.Equal("Healthwatch Sefton", p.Organisation);
        Assert.Equal(new System.DateTime(2018, 10, 1), p.Effective);
        Assert.Equal(new[] { "Staff", "Volunteer", "Trustee", "Associate" }, p.Scope.Covers);
        Assert.Contains("WhatsApp", p.Scope.Platforms);
        Assert.NotNull(p.FindRole("Manager"));
        Assert.NotNull(p.FindRole("CommunicationsOfficer"));
        Assert.Equal(new[] { "Staff", "Volunteer" }, p.Parameters.EligibleEmployeeTypes);
        Assert.True(p.Parameters.MaxPostersPerAccount > 0);
        Assert.True(p.Parameters.AccessReview.GraceDays >= 0);
    }

    [Fact]
    public void Every_clause_text_is_word_for_word_in_the_seed()
    {
        string seed = Normalise(File.ReadAllText(Repo.SeedPath));
        foreach (PolicyClause clause in Load().Clauses)
            Assert.True(seed.Contains(Normalise(clause.Text)), $"{clause.Id} is not in the seed as written: {clause.Text}");
    }

    [Fact]
    public void Nothing_in_the_seed_is_dropped()
    {
        // Remove every clause, section lead, section title and the policy title from the seed: nothing may remain.
        PolicyDocument p = Load();
        string rest = Normalise(File.ReadAllText(Repo.SeedPath));
        foreach (string piece in p.Clauses.Select(c => c.Text)
                     .Concat(p.Sections.Select(s => s.Lead).OfType<string>())
                     .Concat(p.Sections.Select(s => s.Title))
                     .Append(p.Title)
                     .Select(Normalise)
                     .OrderByDescending(t => t.Length))
        {
            int at = rest.IndexOf(piece, System.StringComparison.Ordinal);
            if (at >= 0)
                rest = rest.Remove(at, piece.Length);
        }
        Assert.Equal("", Normalise(rest));
    }

    [Fact]
    public void Every_bullet_of_the_seed_is_one_item_clause()
    {
        PolicyDocument p = Load();
        var bullets = File.ReadAllLines(Repo.SeedPath).Where(l => l.TrimStart().StartsWith("·")).Select(Normalise).ToList();
        var items = p.Clauses.Where(c => c.Form == ClauseForm.Item).Select(c => Normalise(c.Text)).ToList();
        Assert.Equal(bullets, items);
    }

    [Fact]
    public void Enforced_clauses_name_known_checks_and_cover_the_policy_limits()
    {
        PolicyDocument p = Load();
        Assert.All(p.Clauses.Where(c => c.Kind == ClauseKind.Enforced), c => Assert.NotEmpty(c.Checks));
        Assert.All(p.Clauses.Where(c => c.Kind == ClauseKind.Acknowledged), c => Assert.Empty(c.Checks));
        var used = p.Clauses.SelectMany(c => c.Checks).ToHashSet();
        Assert.Equal(CheckCatalog.Names.OrderBy(n => n), used.OrderBy(n => n));
        Assert.Contains("LineManagerConsent", p.FindClause("SMP-3.1")!.Checks);
        Assert.Contains("PosterLimit", p.FindClause("SMP-3.2")!.Checks);
    }
}
