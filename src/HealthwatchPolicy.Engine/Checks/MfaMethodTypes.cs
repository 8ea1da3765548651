using System;
using System.Collections.Generic;
using System.Linq;

namespace HealthwatchPolicy.Engine.Checks;

/// <summary>
/// Which registered authentication methods are a second factor (HW-MFA-001; docs/decisions/0187). Method types are
/// Graph's <c>authenticationMethod</c> subtypes without <c>#microsoft.graph.</c> and <c>AuthenticationMethod</c>
/// (<c>microsoftAuthenticator</c>, <c>phone</c>, <c>fido2</c>, <c>windowsHelloForBusiness</c>, <c>softwareOath</c>,
/// <c>platformCredential</c>, ...), as both adapters report them. A password is the first factor; an email address is
/// registered for self-service password reset only; a Temporary Access Pass is a time-limited pass for registering
/// methods. A person with only those has no MFA method registered.
/// </summary>
internal static class MfaMethodTypes
{
    /// <summary>The method types that are not a second factor (case-insensitive).</summary>
    internal static readonly IReadOnlyCollection<string> NotMfa =
        new HashSet<string>(new[] { "password", "email", "temporaryAccessPass" }, StringComparer.OrdinalIgnoreCase);

    /// <summary>True when at least one of <paramref name="methods"/> is a second factor.</summary>
    internal static bool AnyMfa(IEnumerable<string> methods) =>
        methods.Any(m => !string.IsNullOrWhiteSpace(m) && !NotMfa.Contains(m.Trim()));
}
