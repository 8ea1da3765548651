using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Kiota.Abstractions.Serialization;

namespace HealthwatchPolicy.FakeGraph.Tests;

/// <summary>Every endpoint's body through the matching SDK model: every property the fake sends must land in a typed
/// property (AdditionalData holds only annotations Graph also leaves there, e.g. @odata.context).</summary>
public sealed class ModelFidelityTests : FakeGraphTest
{
    private const string Ctx = "@odata.context";

    private static readonly string[] AllUserProps =
    {
        "id", "displayName", "userPrincipalName", "mail", "accountEnabled", "employeeType", "userType", "jobTitle", "department",
        "givenName", "surname", "businessPhones", "mobilePhone", "officeLocation", "preferredLanguage", "createdDateTime",
        "companyName", "employeeId", "mailNickname", "otherMails", "proxyAddresses", "usageLocation", "city", "country", "state",
    };

    [Fact]
    public async Task Every_response_body_deserialises_into_typed_SDK_properties()
    {
        FakeUser boss = Fake.AddUser(new FakeUser { UserPrincipalName = "boss@hwsefton.example", DisplayName = "Boss", Mail = "boss@hwsefton.example", EmployeeType = "Employee", JobTitle = "CEO", Department = "Exec" });
        FakeUser u = Fake.AddUser(new FakeUser { UserPrincipalName = "u@hwsefton.example", DisplayName = "U", Mail = "u@hwsefton.example", ManagerId = boss.Id });
        string spId = Fake.AddServicePrincipal("HealthwatchPolicy", "11111111-2222-3333-4444-555555555555");

        // users
        UserCollectionResponse? users = await Client.Users.GetAsync();
        AssertTyped(users, Ctx);
        users!.Value!.ForEach(x => AssertTyped(x));
        UserCollectionResponse? selected = await Client.Users.GetAsync(c => c.QueryParameters.Select = AllUserProps);
        selected!.Value!.ForEach(x => AssertTyped(x));
        Assert.Equal("CEO", selected.Value[0].JobTitle);
        Assert.NotNull(selected.Value[0].CreatedDateTime);
        User? one = await Client.Users[u.Id].GetAsync(c => c.QueryParameters.Expand = new[] { "manager", "extensions" });
        AssertTyped(one, Ctx);
        AssertTyped(Assert.IsType<User>(one!.Manager));
        Assert.Equal(boss.Id, one.Manager!.Id);
        AssertTyped(await Client.Users[u.Id].Manager.GetAsync(), Ctx);
        var chain = await Client.Users[u.Id].GetAsync(c => c.QueryParameters.Expand = new[] { "manager($levels=max;$select=id,displayName)" });
        AssertTyped(chain!.Manager);

        // groups
        var newGroup = new Group { DisplayName = "HW-model", Description = "d", MailEnabled = false, MailNickname = "HW-model", SecurityEnabled = true, GroupTypes = new List<string>() };
        newGroup.AdditionalData["owners@odata.bind"] = new List<string> { $"https://graph.microsoft.com/v1.0/servicePrincipals/{spId}" };
        newGroup.AdditionalData["members@odata.bind"] = new List<string> { DirectoryObjectUrl(u.Id), DirectoryObjectUrl(boss.Id) };
        Group? created = await Client.Groups.PostAsync(newGroup);
        AssertTyped(created, Ctx);
        Assert.Empty(created!.ProxyAddresses!);
        Assert.NotNull(created.RenewedDateTime);
        AssertTyped(await Client.Groups[created.Id].GetAsync(), Ctx);
        GroupCollectionResponse? groups = await Client.Groups.GetAsync(c => c.QueryParameters.Expand = new[] { "members", "owners", "extensions" });
        AssertTyped(groups, Ctx);
        Group listed = Assert.Single(groups!.Value!);
        AssertTyped(listed);
        listed.Members!.ForEach(m => AssertTyped(Assert.IsType<User>(m)));
        AssertTyped(Assert.IsType<ServicePrincipal>(Assert.Single(listed.Owners!)));
        Assert.Equal("11111111-2222-3333-4444-555555555555", ((ServicePrincipal)listed.Owners![0]).AppId);

        // members, casts, memberOf, owners
        DirectoryObjectCollectionResponse? members = await Client.Groups[created.Id].Members.GetAsync();
        AssertTyped(members, Ctx);
        members!.Value!.ForEach(m => AssertTyped(Assert.IsType<User>(m)));
        AssertTyped((await Client.Groups[created.Id].Members.GraphUser.GetAsync())!.Value![0]);
        DirectoryObjectCollectionResponse? memberOf = await Client.Users[u.Id].MemberOf.GetAsync();
        AssertTyped(Assert.IsType<Group>(Assert.Single(memberOf!.Value!)));
        AssertTyped((await Client.Groups[created.Id].Owners.GetAsync())!.Value![0]);

        // extensions
        Extension? ext = await Client.Groups[created.Id].Extensions.PostAsync(new OpenTypeExtension
        {
            ExtensionName = "org.healthwatch.policy.register",
            AdditionalData = new Dictionary<string, object> { ["platform"] = "YouTube" },
        });
        AssertTyped(ext, Ctx, "platform");
        AssertTyped(await Client.Groups[created.Id].Extensions["org.healthwatch.policy.register"].GetAsync(), Ctx, "platform");
        var extList = await Client.Groups[created.Id].Extensions.GetAsync();
        AssertTyped(extList, Ctx);
        AssertTyped(extList!.Value![0], "platform");

        // directory objects, service principals, organisation
        AssertTyped(await Client.DirectoryObjects[u.Id].GetAsync(), Ctx);
        var byIds = await Client.DirectoryObjects.GetByIds.PostAsGetByIdsPostResponseAsync(new Microsoft.Graph.DirectoryObjects.GetByIds.GetByIdsPostRequestBody
        {
            Ids = new List<string> { u.Id, created.Id!, spId },
        });
        Assert.Equal(3, byIds!.Value!.Count);
        byIds.Value.ForEach(o => AssertTyped(o));
        AssertTyped(Assert.Single((await Client.ServicePrincipals.GetAsync(c => c.QueryParameters.Filter = "appId eq '11111111-2222-3333-4444-555555555555'"))!.Value!));
        OrganizationCollectionResponse? org = await Client.Organization.GetAsync();
        AssertTyped(Assert.Single(org!.Value!));
        AssertTyped(org.Value![0].VerifiedDomains![0]);

        // delta
        var delta = await Client.Groups.Delta.GetAsDeltaGetResponseAsync(c => c.QueryParameters.Select = new[] { "displayName", "description", "members" });
        AssertTyped(delta, Ctx);
        Group dg = Assert.Single(delta!.Value!);
        AssertTyped(dg, "members@delta");

        // errors
        var error = await Assert.ThrowsAsync<ODataError>(() => Client.Groups["missing"].GetAsync());
        AssertTyped(error.Error);
        AssertTyped(error.Error!.InnerError);
    }
}
