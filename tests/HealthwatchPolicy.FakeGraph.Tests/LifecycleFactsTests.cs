using System;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;

namespace HealthwatchPolicy.FakeGraph.Tests;

/// <summary>Issue 15: employeeLeaveDateTime, signInActivity and authentication methods, with the licence and permission answers.</summary>
public sealed class LifecycleFactsTests : FakeGraphTest
{
    [Fact]
    public async Task Leave_date_sign_in_activity_and_methods_read_back_typed_through_the_SDK()
    {
        FakeUser emma = Fake.AddUser(new FakeUser
        {
            UserPrincipalName = "emma@hw.example",
            EmployeeLeaveDateTime = new DateTimeOffset(2026, 11, 10, 17, 0, 0, TimeSpan.Zero),
            LastSignInDateTime = new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.Zero),
            AuthenticationMethods = new[] { "password", "fido2" },
        });
        FakeUser ben = Fake.AddUser(new FakeUser { UserPrincipalName = "ben@hw.example" });

        User? u = await Client.Users[emma.Id].GetAsync(c => c.QueryParameters.Select = new[] { "id", "employeeLeaveDateTime", "signInActivity" });
        Assert.Equal(new DateTimeOffset(2026, 11, 10, 17, 0, 0, TimeSpan.Zero), u!.EmployeeLeaveDateTime);
        Assert.Equal(new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.Zero), u.SignInActivity!.LastSignInDateTime);
        User? never = await Client.Users[ben.Id].GetAsync(c => c.QueryParameters.Select = new[] { "id", "signInActivity" });
        Assert.Null(never!.SignInActivity); // Graph leaves it out for a user who never signed in

        var methods = await Client.Users[emma.Id].Authentication.Methods.GetAsync();
        Assert.Equal(new[] { "#microsoft.graph.passwordAuthenticationMethod", "#microsoft.graph.fido2AuthenticationMethod" },
            methods!.Value!.Select(m => m.OdataType));
        var defaults = await Client.Users[ben.Id].Authentication.Methods.GetAsync();
        Assert.Contains(defaults!.Value!, m => m.OdataType == "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod");
    }

    [Fact]
    public async Task Without_premium_signInActivity_is_403_with_the_licence_code_and_other_reads_still_work()
    {
        FakeUser emma = Fake.AddUser(new FakeUser { UserPrincipalName = "emma@hw.example" });
        Fake.Faults.TenantWithoutPremium = true;
        var e = await Assert.ThrowsAsync<ODataError>(() => Client.Users[emma.Id].GetAsync(c => c.QueryParameters.Select = new[] { "id", "signInActivity" }));
        Assert.Equal(403, e.ResponseStatusCode);
        Assert.Equal("Authentication_RequestFromNonPremiumTenantOrB2CTenant", e.Error!.Code);
        Assert.Equal("Neither tenant is B2C or tenant doesn't have premium license", e.Error.Message);
        Assert.NotNull(await Client.Users[emma.Id].GetAsync(c => c.QueryParameters.Select = new[] { "id", "employeeLeaveDateTime" }));

        Fake.Faults.LifecycleInfoDenied = true;
        Fake.Faults.AuthenticationMethodsDenied = true;
        Assert.Equal(403, (await Assert.ThrowsAsync<ODataError>(() => Client.Users[emma.Id].GetAsync(c => c.QueryParameters.Select = new[] { "id", "employeeLeaveDateTime" }))).ResponseStatusCode);
        Assert.Equal(403, (await Assert.ThrowsAsync<ODataError>(() => Client.Users[emma.Id].Authentication.Methods.GetAsync())).ResponseStatusCode);
        Fake.Faults.Reset();
        Assert.NotNull(await Client.Users[emma.Id].Authentication.Methods.GetAsync());
    }
}
