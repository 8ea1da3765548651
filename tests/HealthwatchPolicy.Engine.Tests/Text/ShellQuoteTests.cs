using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Scheduling;
using HealthwatchPolicy.Engine.Text;

namespace HealthwatchPolicy.Engine.Tests.Text;

/// <summary>Quoting checked by the real readers: /bin/sh for POSIX, and .NET's own CommandLineToArgvW-rules parser for Windows.</summary>
public sealed class ShellQuoteTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "hw-quote-" + Guid.NewGuid().ToString("N").Substring(0, 10));

    public ShellQuoteTests() => Directory.CreateDirectory(_folder);

    private string Pwned => Path.Combine(_folder, "pwned");

    private string[] Hostile => new[]
    {
        "plain", "", " ", "two words", "it's", "'", "''", "\"", "\"\"", "a\"b", "\\", "\\\\", "a\\", "a\\\\", "a\\\"b", "a\\\\\"b", "\"\\",
        $"$(touch {Pwned})", $"`touch {Pwned}`", $"; touch {Pwned}", $"| touch {Pwned}", $"& touch {Pwned} &", $"\" & touch {Pwned} & \"",
        "$HOME", "${IFS}", "*", "?", "[a]", "~", "!!", "a\nb", "tab\there", "-e", "--", "#comment", "{a,b}", "é中文", "%PATH%", "^&^|",
    };

    [Fact]
    public void Sh_reads_every_POSIX_quoted_value_back_as_itself_and_runs_nothing()
    {
        string line = "printf '%s\\0' " + string.Join(" ", Hostile.Select(ShellQuote.Posix));
        Assert.Equal(0, Run("/bin/sh", "-n", "-c", line).ExitCode);
        (int exit, string output) = Run("/bin/sh", "-c", line);
        Assert.Equal(0, exit);
        Assert.Equal(Hostile, output.Split('\0')[..^1]);
        Assert.False(File.Exists(Pwned), "a quoted value ran as a command");
    }

    [Fact]
    public void The_Windows_rules_read_every_quoted_value_back_as_itself()
    {
        // On Unix, ProcessStartInfo.Arguments is split by .NET's implementation of the CommandLineToArgvW rules.
        string[] values = Hostile.Where(v => !v.Contains('\n')).ToArray();
        var start = new ProcessStartInfo("printf") { Arguments = "%s\\0 " + string.Join(" ", values.Select(ShellQuote.Windows)), RedirectStandardOutput = true };
        using Process p = Process.Start(start)!;
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.Equal(values, output.Split('\0')[..^1]);
    }

    [Theory]
    [InlineData("a", "\"a\"")]
    [InlineData("a b", "\"a b\"")]
    [InlineData("a\"b", "\"a\\\"b\"")]
    [InlineData("C:\\state\\", "\"C:\\state\\\\\"")]
    [InlineData("a\\\"b", "\"a\\\\\\\"b\"")]
    public void Windows_quoting_doubles_backslashes_only_before_a_quote(string value, string expected) =>
        Assert.Equal(expected, ShellQuote.Windows(value));

    [Theory]
    [InlineData("TenantId", "contoso; touch pwned")]
    [InlineData("TenantId", "$(id)")]
    [InlineData("TenantId", "-ManagedIdentity")]
    [InlineData("ClientId", "not-a-guid")]
    [InlineData("ClientId", "0b9e4a3d-7c21-4f6e-8a5b-3d2c1e0f9a87\" -x \"")]
    [InlineData("CertificateThumbprint", "3C1F 9A2B")]
    [InlineData("From", "a@b.example -StatePath /etc")]
    [InlineData("From", "-a@b.example")]
    [InlineData("From", "no-at-sign")]
    [InlineData("StatePath", "relative/state")]
    [InlineData("StatePath", "/srv/state\u001b[31m")]
    [InlineData("StatePath", "/srv/%TEMP%")]
    public void A_value_that_is_not_what_its_parameter_names_is_refused(string parameter, string value)
    {
        string t = "contoso.onmicrosoft.com", c = "0b9e4a3d-7c21-4f6e-8a5b-3d2c1e0f9a87", th = "3C1F9A2B7D4E6F8091A2B3C4D5E6F708192A3B4C", f = "a@hwsefton.example", s = "/srv/state";
        switch (parameter)
        {
            case "TenantId": t = value; break;
            case "ClientId": c = value; break;
            case "CertificateThumbprint": th = value; break;
            case "From": f = value; break;
            default: s = value; break;
        }
        var ex = Assert.Throws<HwException>(() => ReviewTaskCommand.Create("/opt/hw/Invoke-HwMonthlyAccessReview.ps1", t, c, th, f, s));
        Assert.Equal("TaskArgumentInvalid", ex.ErrorId);
        Assert.Equal(HwErrorKind.InvalidArgument, ex.Kind);
        Assert.Equal(parameter, ex.Target);
        Assert.DoesNotContain('\u001b', ex.Message);
    }

    [Fact]
    public void A_hostile_path_and_address_become_one_argument_each_for_sh_and_for_Windows()
    {
        string state = Path.Combine(_folder, $"st'ate $(touch {Pwned}) `touch {Pwned}`; touch {Pwned} \"x\\\"");
        const string from = "o'brien+$HOME&{x}@hwsefton.example";
        ReviewTaskCommand command = ReviewTaskCommand.Create("/opt/hw dir/Invoke-HwMonthlyAccessReview.ps1", "00000000-0000-4000-8000-00000000f4e1",
            "0b9e4a3d-7c21-4f6e-8a5b-3d2c1e0f9a87", "3c1f9a2b7d4e6f8091a2b3c4d5e6f708192a3b4c", from, state);
        Assert.Equal(new[] { "-From", from, "-StatePath", state }, command.Arguments.Skip(10).ToArray());

        string received = Path.Combine(_folder, "received");
        string line = command.PosixCommand();
        (int exit, _) = Run("/bin/sh", "-c", $"pwsh() {{ printf '%s\\0' \"$@\" > {ShellQuote.Posix(received)}; }}; {line}");
        Assert.Equal(0, exit);
        Assert.Equal(command.Arguments, File.ReadAllText(received).Split('\0')[..^1]);
        Assert.False(File.Exists(Pwned));

        var start = new ProcessStartInfo("printf") { Arguments = "%s\\0 " + command.WindowsArguments, RedirectStandardOutput = true };
        using Process p = Process.Start(start)!;
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.Equal(command.Arguments, output.Split('\0')[..^1]);
    }

    [Fact]
    public void The_shared_state_site_goes_on_the_command_line_and_a_line_without_any_store_is_refused()
    {
        ReviewTaskCommand command = ReviewTaskCommand.Create("/opt/hw/Invoke-HwMonthlyAccessReview.ps1", "00000000-0000-4000-8000-00000000f4e1",
            "0b9e4a3d-7c21-4f6e-8a5b-3d2c1e0f9a87", "3c1f9a2b7d4e6f8091a2b3c4d5e6f708192a3b4c", "reviews@hwsefton.example", null,
            " https://hwsefton.sharepoint.com/sites/healthwatch ");
        Assert.Equal(new[] { "-From", "reviews@hwsefton.example", "-StateSite", "https://hwsefton.sharepoint.com/sites/healthwatch" }, command.Arguments.Skip(10).ToArray());
        foreach (string? site in new[] { null, "http://hwsefton.sharepoint.com/sites/x", "sites/healthwatch", "https://x/%TEMP%" })
        {
            HwException ex = Assert.Throws<HwException>(() => ReviewTaskCommand.Create("/opt/hw/Invoke-HwMonthlyAccessReview.ps1", "00000000-0000-4000-8000-00000000f4e1",
                "0b9e4a3d-7c21-4f6e-8a5b-3d2c1e0f9a87", "3c1f9a2b7d4e6f8091a2b3c4d5e6f708192a3b4c", "reviews@hwsefton.example", null, site));
            Assert.Equal("TaskArgumentInvalid", ex.ErrorId);
            Assert.Equal("StateSite", ex.Target);
        }
    }

    [Fact]
    public void The_head_mirror_group_goes_on_the_command_line_only_with_a_state_site_and_as_a_guid()
    {
        const string script = "/opt/hw/Invoke-HwMonthlyAccessReview.ps1", tenant = "00000000-0000-4000-8000-00000000f4e1",
            client = "0b9e4a3d-7c21-4f6e-8a5b-3d2c1e0f9a87", thumb = "3c1f9a2b7d4e6f8091a2b3c4d5e6f708192a3b4c", from = "reviews@hwsefton.example",
            site = "https://hwsefton.sharepoint.com/sites/healthwatch", group = "00000000-0000-4000-8000-0000000a11ed";
        ReviewTaskCommand command = ReviewTaskCommand.Create(script, tenant, client, thumb, from, null, site, " " + group + " ");
        Assert.Equal(new[] { "-StateSite", site, "-HeadMirrorGroup", group }, command.Arguments.Skip(12).ToArray());
        Assert.DoesNotContain("-HeadMirrorGroup", ReviewTaskCommand.Create(script, tenant, client, thumb, from, null, site).Arguments);
        foreach ((string? path, string? s, string g) in new[] { ("/var/hw", (string?)null, group), (null, site, "HW-Posting-Mirror"), (null, site, "%TEMP%") })
        {
            HwException ex = Assert.Throws<HwException>(() => ReviewTaskCommand.Create(script, tenant, client, thumb, from, path, s, g));
            Assert.Equal("TaskArgumentInvalid", ex.ErrorId);
            Assert.Equal("HeadMirrorGroup", ex.Target);
        }
    }

    private static (int ExitCode, string Output) Run(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in arguments)
            start.ArgumentList.Add(a);
        using Process p = Process.Start(start)!;
        string output = p.StandardOutput.ReadToEnd();
        p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
