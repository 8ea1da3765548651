using System;
using System.IO;
using System.Linq;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Organisations;
using Xunit;

namespace HealthwatchPolicy.Engine.Tests.Organisations;

/// <summary>The summary stores' names, address checks and the folder store (docs/decisions/0195). The Blob store runs
/// against Azurite in tests/module/Organisations (real pwsh, the built module).</summary>
public sealed class OrganisationSummaryStoreTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "hw-summaries-" + Guid.NewGuid().ToString("N").Substring(0, 8));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
            Directory.Delete(_dir, recursive: true);
    }

    [Theory]
    [InlineData("Healthwatch Sefton", "healthwatch-sefton-")]
    [InlineData("  Healthwatch St. Helens ", "healthwatch-st-helens-")]
    [InlineData("Healthwatch Ynys Môn", "healthwatch-ynys-m-n-")]
    [InlineData("../../etc", "etc-")]
    [InlineData("Хелсвоч", "organisation-")]
    public void A_folder_name_is_lowercase_ascii_then_a_hash_of_the_name(string organisation, string prefix)
    {
        string folder = OrganisationSummary.FolderName(organisation);
        Assert.StartsWith(prefix, folder);
        Assert.Matches("^[a-z0-9-]+-[0-9a-f]{10}$", folder);
    }

    [Fact]
    public void Names_that_simplify_alike_get_different_folders_but_case_does_not_matter()
    {
        Assert.NotEqual(OrganisationSummary.FolderName("Healthwatch Ynys Môn"), OrganisationSummary.FolderName("Healthwatch Ynys Mön"));
        Assert.NotEqual(OrganisationSummary.FolderName("Healthwatch St Helens"), OrganisationSummary.FolderName("Healthwatch St. Helens"));
        Assert.Equal(OrganisationSummary.FolderName("Healthwatch Sefton"), OrganisationSummary.FolderName("HEALTHWATCH SEFTON"));
        Assert.True(OrganisationSummary.FolderName(new string('a', 500)).Length <= 71);
    }

    [Theory]
    [InlineData("https://hwsummaries.blob.core.windows.net/organisation-summaries", "organisation-summaries")]
    [InlineData("https://hwsummaries.blob.core.windows.net/organisation-summaries/", "organisation-summaries")]
    [InlineData("https://127.0.0.1:10000/devstoreaccount1/summaries", "summaries")]
    [InlineData("https://localhost:10000/devstoreaccount1/summaries", "summaries")]
    [InlineData("https://hwsummaries.blob.core.windows.net/", null)]
    [InlineData("https://hwsummaries.blob.core.windows.net/a/b", null)]
    [InlineData("https://hwsummaries.blob.core.windows.net/Summaries", null)]
    [InlineData("https://hwsummaries.blob.core.windows.net/ab", null)]
    [InlineData("https://hwsummaries.blob.core.windows.net/a--b", null)]
    [InlineData("https://127.0.0.1:10000/devstoreaccount1", null)]
    [InlineData("https://127.0.0.1:10000/devstoreaccount1//con3", null)]
    [InlineData("https://hwsummaries.blob.core.windows.net//summaries", null)]
    public void The_container_name_follows_the_Blob_address_forms(string address, string? expected) =>
        Assert.Equal(expected, OrganisationSummaryStores.ContainerName(new Uri(address)));

    [Theory]
    [InlineData("http://hwsummaries.blob.core.windows.net/summaries", "plain http")]
    [InlineData("https://hwsummaries.blob.core.windows.net/summaries?sv=2024&sig=SECRETSIG", "without a query")]
    [InlineData("https://user:pw@hwsummaries.blob.core.windows.net/summaries", "without a query, fragment or user name")]
    [InlineData("https://hwsummaries.blob.core.windows.net/", "names no blob container")]
    public void A_bad_container_address_is_refused_naming_the_parameter_and_never_echoing_a_secret(string address, string expected)
    {
        var options = new SummaryContainerOptions { ContainerUri = new Uri(address) };
        HwException ex = Assert.Throws<HwException>(() => options.Check("ContainerUri"));
        Assert.Equal(ErrorIds.SummaryContainerInvalid, ex.ErrorId);
        Assert.Equal("ContainerUri", ex.Input);
        Assert.Contains(expected, ex.Message);
        Assert.DoesNotContain("SECRETSIG", ex.Message);
        Assert.DoesNotContain("pw@", ex.Message);
    }

    [Fact]
    public void The_folder_store_writes_new_documents_and_reads_them_back_whole()
    {
        var store = new FolderSummaryStore(_dir);
        var at = new DateTimeOffset(2026, 11, 30, 9, 15, 0, 123, TimeSpan.Zero);
        var failed = OrganisationSummary.FromFailure("Healthwatch Knowsley", "knowsley.onmicrosoft.com", new[] { "GraphThrottled: gave up" }, at);
        string first = store.Write(failed);
        string second = store.Write(failed); // the same organisation and millisecond: a second file, not over the first
        Assert.NotEqual(first, second);
        Assert.EndsWith("20261130T091500123Z.json", first);
        var read = store.ReadLatest(DateTimeOffset.UtcNow);
        Assert.Equal(2, read.Count);
        Assert.All(read, r => Assert.Null(r.Error));
        OrganisationSummary back = read[0].Summary!;
        Assert.True(back.Failed);
        Assert.Equal("Error", back.WorstSeverity);
        Assert.Equal(new[] { "GraphThrottled: gave up" }, back.Errors.ToArray());
        Assert.Equal(at, back.GeneratedAt);
        Assert.Empty(Directory.EnumerateFiles(_dir, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void An_oversized_or_broken_document_is_an_error_naming_it_and_the_others_still_read()
    {
        var store = new FolderSummaryStore(_dir);
        store.Write(OrganisationSummary.FromFailure("A", null, new[] { "X: y" }, DateTimeOffset.UnixEpoch));
        string big = Path.Combine(_dir, "big", "1.json");
        Directory.CreateDirectory(Path.GetDirectoryName(big)!);
        File.WriteAllText(big, "{\"schema\":\"" + OrganisationSummary.SchemaName + "\",\"pad\":\"" + new string('x', OrganisationSummary.MaxDocumentBytes) + "\"}");
        string broken = Path.Combine(_dir, "broken", "1.json");
        Directory.CreateDirectory(Path.GetDirectoryName(broken)!);
        File.WriteAllText(broken, "{\"schema\":\"" + OrganisationSummary.SchemaName + "\"");
        var read = store.ReadLatest(DateTimeOffset.UtcNow);
        Assert.Equal(3, read.Count);
        Assert.Single(read, r => r.Summary is not null);
        HwException tooBig = read.Single(r => r.Source == big).Error!;
        Assert.Equal(ErrorIds.OrganisationSummaryUnreadable, tooBig.ErrorId);
        Assert.Contains("at most 1,048,576 bytes", tooBig.Message);
        Assert.Equal(ErrorIds.OrganisationSummaryUnreadable, read.Single(r => r.Source == broken).Error!.ErrorId);
    }

    private static string Doc(string findings = "\"critical\":1,\"high\":0,\"medium\":0,\"low\":0", string generatedAt = "\"2026-11-30T09:00:00Z\"",
        string organisation = "\"Healthwatch Sefton\"", string extra = "") =>
        "{\"schema\":\"" + OrganisationSummary.SchemaName + "\",\"organisation\":" + organisation + ",\"generatedAt\":" + generatedAt
        + ",\"findings\":{" + findings + "}" + extra + "}";

    [Theory]
    [InlineData("generatedAt null", null, "null", null, "'generatedAt' is missing")]
    [InlineData("generatedAt not a date", null, "\"31/31/2026\"", null, "is not a date and time")]
    [InlineData("a negative count", "\"critical\":-5,\"high\":0,\"medium\":0,\"low\":0", null, null, "'critical' is -5; a count is from 0")]
    [InlineData("a count that overflows the total", "\"critical\":2147483647,\"high\":5,\"medium\":0,\"low\":0", null, null, "'critical' is 2147483647")]
    [InlineData("a fractional count", "\"critical\":1.5,\"high\":0,\"medium\":0,\"low\":0", null, null, "'critical' is not a whole number")]
    [InlineData("a count as text", "\"critical\":\"3\",\"high\":0,\"medium\":0,\"low\":0", null, null, "'critical' is not a whole number")]
    [InlineData("no organisation", null, null, "null", "'organisation' is missing")]
    [InlineData("an empty organisation", null, null, "\"  \"", "is empty")]
    [InlineData("an organisation with a NUL and ESC", null, null, "\"Nul\\u0000Org\\u001b]0;x\"", "control or invisible character U+0000")]
    [InlineData("an organisation as a number", null, null, "42", "'organisation' is not text")]
    [InlineData("a future date", null, "\"2099-01-01T00:00:00Z\"", null, "later than now")]
    public void A_document_that_is_not_a_true_summary_is_refused_naming_its_source(string why, string? findings, string? generatedAt, string? organisation, string expected)
    {
        string json = Doc(findings ?? "\"critical\":1,\"high\":0,\"medium\":0,\"low\":0", generatedAt ?? "\"2026-11-30T09:00:00Z\"", organisation ?? "\"Healthwatch Sefton\"");
        FormatException ex = Assert.Throws<FormatException>(() => OrganisationSummary.Parse(json, "/summaries/x/1.json", new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero)));
        Assert.Contains(expected, ex.Message);
        Assert.StartsWith("'/summaries/x/1.json'", ex.Message);
        Assert.False(string.IsNullOrEmpty(why));
    }

    [Fact]
    public void Errors_read_from_a_document_have_their_control_characters_made_visible_and_names_are_normalised()
    {
        // (Unicode normalisation needs ICU, which this test project turns off: NFD/NFC is tested in real pwsh,
        // tests/module/Organisations/SummaryDocuments.Tests.ps1.)
        OrganisationSummary s = OrganisationSummary.Parse(Doc(extra: ",\"errors\":[\"E: m\\u0000\\u001b]0;x\\u0007\"]"), "x", null);
        Assert.DoesNotContain(s.Errors[0], c => c < ' ');
    }

    [Fact]
    public void Merge_takes_one_row_per_organisation_across_case_and_the_later_write_of_the_same_millisecond()
    {
        var at = new DateTimeOffset(2026, 11, 30, 10, 0, 0, TimeSpan.Zero);
        OrganisationSummary first = OrganisationSummary.FromFailure("Same Ms", null, new[] { "A: first" }, at);
        first.Source = "c/same-ms/20261130T100000000Z.json";
        OrganisationSummary second = OrganisationSummary.FromFailure("same ms", null, new[] { "B: second" }, at);
        second.Source = "c/same-ms/" + OrganisationSummary.CollisionName("20261130T100000000Z.json", 2);
        Assert.True(string.CompareOrdinal(second.Source, first.Source) > 0, "the collision name sorts after the first name");
        var merged = OrganisationSummary.Merge(new[] { second, first });
        Assert.Single(merged);
        Assert.Equal("B: second", merged[0].Errors[0]);
    }

    [Theory]
    [InlineData("Evil\nOrg Y: ok")]
    [InlineData("Nul\u0000Org")]
    [InlineData("Esc\u001b]0;x")]
    [InlineData("Zero\u200Bwidth")]
    [InlineData("   ")]
    public void A_name_with_control_or_invisible_characters_is_refused(string name)
    {
        HwException ex = Assert.Throws<HwException>(() => OrganisationSummary.FromFailure(name, null, new[] { "X: y" }, DateTimeOffset.UnixEpoch));
        Assert.Equal(ErrorIds.OrganisationNameInvalid, ex.ErrorId);
        Assert.Equal("Organisation", ex.Input);
        Assert.DoesNotContain(ex.Message, c => c < ' ');
    }

    [Fact]
    public void A_failed_run_keeps_its_overdue_reviews_and_its_errors_on_one_line()
    {
        OrganisationSummary s = OrganisationSummary.FromFailure("Ov", null, new[] { "E: line one\r\nline two" }, DateTimeOffset.UnixEpoch, overdueReviews: 3);
        Assert.Equal(3, s.OverdueReviews);
        Assert.Equal("E: line one line two", s.Errors[0]);
    }

    [Theory]
    [InlineData("https://acct.blob.core.windows.net/c?sv=1&sig=SECRET3", "https://acct.blob.core.windows.net/c")]
    [InlineData("https://user:P4ssw0rd@acct.blob.core.windows.net/c", "https://acct.blob.core.windows.net/c")]
    [InlineData("acct.blob.core.windows.net/c?sig=SECRETSIG2", "acct.blob.core.windows.net/c")]
    [InlineData("//user:P4ssw0rd@acct.blob.core.windows.net/c#frag", "//acct.blob.core.windows.net/c")]
    public void Redact_cuts_queries_fragments_and_user_info_from_any_address(string address, string shown)
    {
        Assert.Equal(shown, SummaryContainerOptions.Redact(new Uri(address, UriKind.RelativeOrAbsolute)));
        var options = new SummaryContainerOptions { ContainerUri = new Uri(address, UriKind.RelativeOrAbsolute) };
        HwException ex = Assert.Throws<HwException>(() => options.Check("ContainerUri"));
        Assert.DoesNotContain("SECRET", ex.Message + ex.Target);
        Assert.DoesNotContain("P4ssw0rd", ex.Message + ex.Target);
    }

    [Fact]
    public void The_folder_store_reads_no_FIFO_and_passes_over_nothing_else()
    {
        if (!OperatingSystem.IsLinux())
            return; // mkfifo: the CI machine is Linux
        var store = new FolderSummaryStore(_dir);
        store.Write(OrganisationSummary.FromFailure("A", null, new[] { "X: y" }, DateTimeOffset.UnixEpoch));
        string fifo = Path.Combine(_dir, "fifo", "1.json");
        Directory.CreateDirectory(Path.GetDirectoryName(fifo)!);
        using (var mk = System.Diagnostics.Process.Start("mkfifo", fifo))
            mk!.WaitForExit();
        Assert.True(File.Exists(fifo));
        var read = store.ReadLatest(DateTimeOffset.UtcNow); // returns: a FIFO is never opened
        Assert.Single(read, r => r.Summary is not null);
        Assert.Contains("not a regular file", read.Single(r => r.Source == fifo).Error!.Message);
    }
}
