using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Text;

namespace HealthwatchPolicy.Engine.Scheduling;

/// <summary>
/// The unattended review's command line (Register-HwAccessReviewTask): each value checked for what it is, then
/// quoted for the shell it lands in, never concatenated raw. Identifiers must look like what they are (a tenant id
/// or domain, a client id GUID, a hex thumbprint, a mail address); no value may hold a control character or a
/// '%' (Task Scheduler expands %NAME% in arguments, and cron turns % into a newline).
/// </summary>
public sealed class ReviewTaskCommand
{
    private static readonly Regex s_domain = new(@"\A(?=.{1,253}\z)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}\z", RegexOptions.CultureInvariant);
    private static readonly Regex s_thumbprint = new(@"\A([0-9A-Fa-f]{40}|[0-9A-Fa-f]{64})\z", RegexOptions.CultureInvariant);
    private static readonly Regex s_siteId = new(@"\A[A-Za-z0-9.-]{1,253},[0-9A-Fa-f]{8}-([0-9A-Fa-f]{4}-){3}[0-9A-Fa-f]{12},[0-9A-Fa-f]{8}-([0-9A-Fa-f]{4}-){3}[0-9A-Fa-f]{12}\z", RegexOptions.CultureInvariant);

    private ReviewTaskCommand(IReadOnlyList<string> arguments) => Arguments = arguments;

    /// <summary>The arguments after the executable (pwsh), unquoted, in order.</summary>
    public IReadOnlyList<string> Arguments { get; }

    /// <summary>The whole line for sh (cron, a systemd ExecStart via sh -c, a terminal), each argument single-quoted.</summary>
    public string PosixCommand(string executable = "pwsh") =>
        string.Join(" ", new[] { ShellQuote.Posix(executable) }.Concat(Arguments.Select(ShellQuote.Posix)));

    /// <summary>The Task Scheduler action's argument string (the executable is set apart), quoted as CommandLineToArgvW reads it.</summary>
    public string WindowsArguments => string.Join(" ", Arguments.Select(ShellQuote.Windows));

    /// <summary>Checks every value and builds the argument list; HwException (InvalidArgument) names the first bad parameter.
    /// The state store is <paramref name="stateSite"/> (the shared SharePoint site: an https URL or a Graph site id) or
    /// <paramref name="statePath"/> (an absolute local folder): at least one; with both, the folder keeps the logs and reports.
    /// <paramref name="headMirrorGroup"/>: the object id (a GUID) of the group whose open extension mirrors the shared
    /// journal's head (Connect-HwDirectory -HeadMirrorGroup, docs/decisions/0156); only with a state site.</summary>
    public static ReviewTaskCommand Create(string script, string tenantId, string clientId, string certificateThumbprint, string from, string? statePath,
        string? stateSite = null, string? headMirrorGroup = null)
    {
        ReviewTaskCommand command = CreateStore(script, tenantId, clientId, certificateThumbprint, from, statePath, stateSite);
        if (string.IsNullOrEmpty(headMirrorGroup))
            return command;
        headMirrorGroup = Check("HeadMirrorGroup", headMirrorGroup);
        if (string.IsNullOrEmpty(stateSite))
            throw Invalid("HeadMirrorGroup", headMirrorGroup, "given only with StateSite: the group mirrors the shared journal's head");
        if (!Guid.TryParseExact(headMirrorGroup, "D", out _))
            throw Invalid("HeadMirrorGroup", headMirrorGroup, "the group's object id, a GUID");
        return new ReviewTaskCommand(command.Arguments.Concat(new[] { "-HeadMirrorGroup", headMirrorGroup }).ToArray());
    }

    private static ReviewTaskCommand CreateStore(string script, string tenantId, string clientId, string certificateThumbprint, string from, string? statePath,
        string? stateSite)
    {
        if (string.IsNullOrEmpty(statePath) && string.IsNullOrEmpty(stateSite))
            throw new HwException(ErrorIds.TaskArgumentInvalid,
                "Name the state store: the shared SharePoint site (StateSite) or a local state folder (StatePath).", "StateSite", input: "StateSite");
        if (!string.IsNullOrEmpty(stateSite))
        {
            stateSite = Check("StateSite", stateSite);
            if (!(Uri.TryCreate(stateSite, UriKind.Absolute, out Uri? site) && site.Scheme == Uri.UriSchemeHttps && s_domain.IsMatch(site.Host)) && !s_siteId.IsMatch(stateSite))
                throw Invalid("StateSite", stateSite, "a SharePoint site URL such as https://contoso.sharepoint.com/sites/healthwatch, or a site id (hostname,guid,guid)");
        }
        if (string.IsNullOrEmpty(statePath))
            return new ReviewTaskCommand(Common(script, tenantId, clientId, certificateThumbprint, from).Concat(new[] { "-StateSite", stateSite! }).ToArray());
        string[] common = Common(script, tenantId, clientId, certificateThumbprint, from);
        statePath = Check("StatePath", statePath, trim: false);
        if (!System.IO.Path.IsPathRooted(statePath))
            throw Invalid("StatePath", statePath, "an absolute path");
        return new ReviewTaskCommand(string.IsNullOrEmpty(stateSite)
            ? common.Concat(new[] { "-StatePath", statePath }).ToArray()
            : common.Concat(new[] { "-StateSite", stateSite!, "-StatePath", statePath }).ToArray());
    }

    private static string[] Common(string script, string tenantId, string clientId, string certificateThumbprint, string from)
    {
        tenantId = Check("TenantId", tenantId);
        clientId = Check("ClientId", clientId);
        certificateThumbprint = Check("CertificateThumbprint", certificateThumbprint);
        from = Check("From", from);
        script = Check("script", script, trim: false);
        if (!Guid.TryParseExact(tenantId, "D", out _) && !s_domain.IsMatch(tenantId))
            throw Invalid("TenantId", tenantId, "a tenant id (a GUID such as 00000000-0000-0000-0000-000000000000) or a domain such as contoso.onmicrosoft.com");
        if (!Guid.TryParseExact(clientId, "D", out _))
            throw Invalid("ClientId", clientId, "the app registration's application (client) id, a GUID");
        if (!s_thumbprint.IsMatch(certificateThumbprint))
            throw Invalid("CertificateThumbprint", certificateThumbprint, "a certificate thumbprint: 40 (SHA-1) or 64 (SHA-256) hexadecimal digits");
        if (!NetworkNames.IsMailbox(from))
            throw Invalid("From", from, "a mail address such as social-media-review@contoso.org.uk");
        return new[]
        {
            "-NoProfile", "-NonInteractive", "-File", script,
            "-TenantId", tenantId, "-ClientId", clientId, "-CertificateThumbprint", certificateThumbprint,
            "-From", from,
        };
    }

    private static string Check(string parameter, string? value, bool trim = true)
    {
        string v = trim ? (value ?? "").Trim() : value ?? "";
        if (v.Length == 0)
            throw new HwException(ErrorIds.TaskArgumentInvalid, $"{parameter} is empty.", parameter, input: parameter);
        foreach (char c in v)
        {
            if (char.IsControl(c) || c == '\u2028' || c == '\u2029')
                throw new HwException(ErrorIds.TaskArgumentInvalid, $"{parameter} holds the control character U+{(int)c:X4}, which cannot go on a scheduled command line.", parameter, input: parameter);
            if (c == '%')
                throw new HwException(ErrorIds.TaskArgumentInvalid, $"{parameter} holds '%', which Task Scheduler and cron would change (they expand or split on it).", parameter, input: parameter);
        }
        return v;
    }

    private static HwException Invalid(string parameter, string value, string expected) =>
        new(ErrorIds.TaskArgumentInvalid, $"{parameter} must be {expected}; '{SafeText.Neutralise(value)}' is not.", parameter, input: parameter);
}
