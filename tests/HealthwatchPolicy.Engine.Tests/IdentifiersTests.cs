using System;
using HealthwatchPolicy.Engine.Access;
using HealthwatchPolicy.Engine.Local;
using HealthwatchPolicy.Engine.Register;
using HealthwatchPolicy.Engine.Reviews;
using HealthwatchPolicy.Engine.Sessions;
using HealthwatchPolicy.Engine.Text;

namespace HealthwatchPolicy.Engine.Tests;

/// <summary>The one rule for identifier-like input (docs/decisions/0060-identifier-normalisation.md).</summary>
public sealed class IdentifiersTests : IDisposable
{
    private readonly TestOrg _org = new();
    private readonly TestClock _clock = new();
    private HwServices? _session;

    private HwServices Session => _session ??=
        new HwEngine(Repo.PolicyPath, "unused").ConnectTo(new LocalDirectory(_org.Folder), "Test", _org.StateFolder, null, _clock);

    public void Dispose() => _org.Dispose();

    [Theory]
    [InlineData("rebecca.lloyd@hwsefton.example ")]            // the example
    [InlineData(" rebecca.lloyd@hwsefton.example")]
    [InlineData("\trebecca.lloyd@hwsefton.example\r\n")]
    [InlineData("\u00A0rebecca.lloyd@hwsefton.example\u202F")]  // no-break spaces
    [InlineData("\u3000rebecca.lloyd@hwsefton.example\u2009")]  // ideographic and thin space
    [InlineData("\uFEFFrebecca.lloyd@hwsefton.example\u200B")]  // BOM, zero-width space
    [InlineData("\u200Erebecca.lloyd@hwsefton.example\u2060\u200D")] // direction mark, word joiner, joiner
    [InlineData("\u2028rebecca.lloyd@hwsefton.example\u00AD")]  // line separator, soft hyphen
    public void Padding_at_either_end_is_removed(string input) =>
        Assert.Equal("rebecca.lloyd@hwsefton.example", Identifiers.Normalise(input));

    [Fact]
    public void Nothing_inside_is_removed_or_cased_and_the_value_is_composed()
    {
        Assert.Equal("Rebecca\u00A0Lloyd", Identifiers.Normalise(" Rebecca\u00A0Lloyd "));
        Assert.Equal("a\u200Bb", Identifiers.Normalise("a\u200Bb"));
        Assert.Equal("FACEBOOK-x", Identifiers.Normalise("FACEBOOK-x "));
        // Composition (NFC) needs ICU, which this test project turns off (InvariantGlobalization); Identifiers.Tests.ps1
        // checks it in PowerShell. Here: the call does not throw and keeps the letters.
        Assert.StartsWith("Jos", Identifiers.Normalise(" Jose\u0301"));
        Assert.Equal("", Identifiers.Normalise(" \u00A0\uFEFF\u200B "));
        Assert.Null(Identifiers.NormaliseOptional(null));
        Assert.Equal("x\uD800", Identifiers.Normalise("x\uD800 ")); // a lone surrogate does not throw
    }

    [Theory]
    [InlineData("keep", "Keep")]
    [InlineData("keep\t", "Keep")]
    [InlineData(" KEEP\u00A0", "Keep")]
    [InlineData("\uFEFFremove", "Remove")]
    [InlineData("kept ", "kept")] // not in the set: normalised, left for the caller to refuse
    public void A_fixed_set_value_takes_the_sets_spelling(string input, string expected) =>
        Assert.Equal(expected, Identifiers.OneOf(input, ReviewDecisions.All));

    [Fact]
    public void Every_engine_lookup_agrees_grant_and_revoke_with_the_same_padded_row()
    {
        // Called on the engine directly (no cmdlet, no [Identifier]): the Grant/Revoke pair.
        OfficialAccount a = Session.Register.Create("Facebook", "healthwatchsefton", null, null, TestOrg.Comms, TestOrg.Manager, null, "r");
        string account = " FACEBOOK-healthwatchsefton\u00A0", user = "\uFEFF" + TestOrg.Staff1.ToUpperInvariant() + " ";
        AccessOutcome granted = Session.Access.Grant(account, user, "r");
        Assert.Equal("Granted", granted.Access!.Status);
        AccessOutcome revoked = Session.Access.Revoke(account, user, "r");
        Assert.Equal("Revoked", revoked.Access!.Status);
        Assert.True(revoked.Changed);
        Assert.DoesNotContain(TestOrg.Staff1, Session.Register.GetAccount(a.Name).Posters);
        Session.Access.Grant(a.Name, TestOrg.Staff1, "r");
        PostingAccess listed = Assert.Single(Session.Access.Get("\tfacebook-healthwatchsefton ", " " + TestOrg.Staff1 + "\u200B"));
        Assert.Equal(TestOrg.Staff1, listed.User);
    }
}
