using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Xunit.Abstractions;

namespace HealthwatchPolicy.FakeGraph.Tests;

public sealed class ScratchProbe(ITestOutputHelper output) : FakeGraphTest
{
    [Fact]
    public async Task Probe()
    {
        var users = SeedUsers(3);
        FakeGroup g = Fake.AddGroup("HW-probe", null, users[0].Id);
        await Client.Users.GetAsync(c => { c.QueryParameters.Top = 2; c.QueryParameters.Select = new[] { "id" }; c.QueryParameters.Filter = "startswith(displayName,'User')"; });
        await Client.Groups[g.Id].Members.Ref.DeleteAsync(c => c.QueryParameters.Id = DirectoryObjectUrl(users[0].Id));
        await Client.Users[users[1].UserPrincipalName].GetAsync();
        await Client.Groups.Delta.GetAsDeltaGetResponseAsync();
        await Client.ServicePrincipals["x"].GetAsync().ContinueWith(_ => { });
        await Client.ServicePrincipalsWithAppId("abc").GetAsync().ContinueWith(_ => { });
        foreach (var e in Fake.RequestLog)
            output.WriteLine($"{e.Method} {e.PathAndQuery} -> {e.Status}");
    }
}
