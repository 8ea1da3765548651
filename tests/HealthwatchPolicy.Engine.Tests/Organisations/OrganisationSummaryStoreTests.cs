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
        var read = store.ReadLatest();
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
        var read = store.ReadLatest();
        Assert.Equal(3, read.Count);
        Assert.Single(read, r => r.Summary is not null);
        HwException tooBig = read.Single(r => r.Source == big).Error!;
        Assert.Equal(ErrorIds.OrganisationSummaryUnreadable, tooBig.ErrorId);
        Assert.Contains("at most 1,048,576 bytes", tooBig.Message);
        Assert.Equal(ErrorIds.OrganisationSummaryUnreadable, read.Single(r => r.Source == broken).Error!.ErrorId);
    }
}
