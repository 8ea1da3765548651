using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;

namespace HealthwatchPolicy.FakeGraph.Tests;

public sealed class UsersTests : FakeGraphTest
{
    [Fact]
    public async Task PageIterator_reads_2500_users_in_three_pages_of_999()
    {
        SeedUsers(2500);
        Fake.ResetCounters();

        UserCollectionResponse? first = await Client.Users.GetAsync(c =>
        {
            c.QueryParameters.Top = 999;
            c.QueryParameters.Select = new[] { "id", "displayName", "userPrincipalName" };
        });
        Assert.NotNull(first?.OdataNextLink);
        Assert.StartsWith(Fake.BaseUrl + "/users?", first!.OdataNextLink);
        var seen = new List<User>();
        var iterator = PageIterator<User, UserCollectionResponse>.CreatePageIterator(Client, first, u =>
        {
            seen.Add(u);
            return true;
        });
        await iterator.IterateAsync();

        Assert.Equal(2500, seen.Count);
        Assert.Equal(2500, seen.Select(u => u.Id).Distinct().Count());
        Assert.Equal(3, Fake.HttpRequestCount);
        Assert.All(Fake.RequestLog, e => Assert.Equal(200, e.Status));
        Assert.Equal(2, Fake.RequestLog.Count(e => e.PathAndQuery.Contains("$skiptoken=", StringComparison.Ordinal)));
        Assert.All(seen, u => Assert.Null(u.Mail)); // not selected
    }

    [Fact]
    public async Task Select_returns_exactly_the_selected_properties_typed()
    {
        SeedUsers(3);
        var page = await Client.Users.GetAsync(c => c.QueryParameters.Select =
            new[] { "id", "displayName", "userPrincipalName", "mail", "accountEnabled", "employeeType", "jobTitle", "department" });
        User u = page!.Value![0];
        Assert.Equal("User 0000", u.DisplayName);
        Assert.True(u.AccountEnabled);
        Assert.Equal("Volunteer", u.EmployeeType);
        Assert.Equal("Engagement", u.Department);
        Assert.Null(u.GivenName);
        AssertTyped(u);

        // Without $select: Graph's default set, in which accountEnabled is not returned.
        var plain = await Client.Users.GetAsync();
        Assert.Null(plain!.Value![0].AccountEnabled);
        Assert.NotNull(plain.Value[0].BusinessPhones);
    }

    [Fact]
    public async Task Filters_by_upn_mail_id_and_prefix_and_refuses_advanced_ones_without_the_header()
    {
        List<FakeUser> users = SeedUsers(30);
        var byUpn = await Client.Users.GetAsync(c => c.QueryParameters.Filter = $"userPrincipalName eq '{users[5].UserPrincipalName.ToUpperInvariant()}'");
        Assert.Equal(users[5].Id, Assert.Single(byUpn!.Value!).Id);

        var byMail = await Client.Users.GetAsync(c => c.QueryParameters.Filter = $"mail eq '{users[6].Mail}'");
        Assert.Equal(users[6].Id, Assert.Single(byMail!.Value!).Id);

        string ids = string.Join(",", users.Take(15).Select(u => $"'{u.Id}'"));
        var byIds = await Client.Users.GetAsync(c => c.QueryParameters.Filter = $"id in ({ids})");
        Assert.Equal(15, byIds!.Value!.Count);

        var tooMany = await Assert.ThrowsAsync<ODataError>(() => Client.Users.GetAsync(c =>
            c.QueryParameters.Filter = $"id in ({string.Join(",", users.Take(16).Select(u => $"'{u.Id}'"))})"));
        Assert.Equal("Request_UnsupportedQuery", tooMany.Error!.Code);

        var prefix = await Client.Users.GetAsync(c => c.QueryParameters.Filter = "startswith(displayName,'User 001')");
        Assert.Equal(10, prefix!.Value!.Count);

        var advanced = await Assert.ThrowsAsync<ODataError>(() => Client.Users.GetAsync(c => c.QueryParameters.Filter = "employeeType eq 'Volunteer'"));
        Assert.Equal(400, advanced.ResponseStatusCode);
        Assert.Equal("Request_UnsupportedQuery", advanced.Error!.Code);

        var counted = await Client.Users.GetAsync(c =>
        {
            c.QueryParameters.Filter = "employeeType eq 'Volunteer'";
            c.QueryParameters.Count = true;
            c.Headers.Add("ConsistencyLevel", "eventual");
        });
        Assert.Equal(10, counted!.OdataCount);
        Assert.Equal(10, counted.Value!.Count);

        // $count=true without the header is silently ignored.
        var ignored = await Client.Users.GetAsync(c => c.QueryParameters.Count = true);
        Assert.Null(ignored!.OdataCount);
    }

    [Fact]
    public async Task Top_outside_1_to_999_is_Request_UnsupportedQuery()
    {
        var e = await Assert.ThrowsAsync<ODataError>(() => Client.Users.GetAsync(c => c.QueryParameters.Top = 1000));
        Assert.Equal(400, e.ResponseStatusCode);
        Assert.Equal("Request_UnsupportedQuery", e.Error!.Code);
        Assert.Equal("Invalid page size specified: '1000'. Must be between 1 and 999 inclusive.", e.Error.Message);
    }

    [Fact]
    public async Task User_by_id_or_upn_and_manager_and_expand_manager()
    {
        FakeUser boss = Fake.AddUser("boss@hwsefton.example", "The Boss");
        FakeUser worker = Fake.AddUser("worker@hwsefton.example", "A Worker", managerId: boss.Id);

        User? byUpn = await Client.Users["worker@hwsefton.example"].GetAsync(c => c.QueryParameters.Select = new[] { "id", "accountEnabled" });
        Assert.Equal(worker.Id, byUpn!.Id);
        Assert.True(byUpn.AccountEnabled);

        DirectoryObject? manager = await Client.Users[worker.Id].Manager.GetAsync();
        User m = Assert.IsType<User>(manager);
        Assert.Equal(boss.Id, m.Id);
        Assert.Equal("The Boss", m.DisplayName);
        AssertTyped(m, "@odata.context");

        var none = await Assert.ThrowsAsync<ODataError>(() => Client.Users[boss.Id].Manager.GetAsync());
        Assert.Equal(404, none.ResponseStatusCode);
        Assert.Equal("Request_ResourceNotFound", none.Error!.Code);
        Assert.Equal("Resource 'manager' does not exist or one of its queried reference-property objects are not present.", none.Error.Message);

        var listed = await Client.Users.GetAsync(c =>
        {
            c.QueryParameters.Select = new[] { "id", "displayName" };
            c.QueryParameters.Expand = new[] { "manager($levels=1;$select=id,displayName)" };
        });
        User w = listed!.Value!.Single(u => u.Id == worker.Id);
        Assert.Equal(boss.Id, Assert.IsType<User>(w.Manager).Id);
        Assert.Null(listed.Value!.Single(u => u.Id == boss.Id).Manager);

        var unknown = await Assert.ThrowsAsync<ODataError>(() => Client.Users["nobody@hwsefton.example"].GetAsync());
        Assert.Equal("Resource 'nobody@hwsefton.example' does not exist or one of its queried reference-property objects are not present.", unknown.Error!.Message);
    }

    [Fact]
    public async Task Expand_manager_caps_pages_at_100_like_Graph()
    {
        SeedUsers(250);
        var page = await Client.Users.GetAsync(c =>
        {
            c.QueryParameters.Top = 999;
            c.QueryParameters.Expand = new[] { "manager" };
        });
        Assert.Equal(100, page!.Value!.Count);
        Assert.NotNull(page.OdataNextLink);
    }

    [Fact]
    public async Task Authorization_header_is_recorded_not_required()
    {
        SeedUsers(1);
        await Client.Users.GetAsync();
        Assert.Equal("Bearer " + Token, Fake.LastAuthorizationHeaders[^1]);
        Assert.Equal("Bearer " + Token, Fake.RequestLog[^1].Authorization);
    }
}
