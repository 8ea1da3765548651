using System;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace HealthwatchPolicy.Engine.Text;

/// <summary>
/// The shapes a mail address and a server name must have where the module uses them (the sender of its mail, the
/// SMTP server, the scheduled job's -From): checked whole (<c>\A…\z</c>, ASCII only), so nothing else rides along:
/// no display name (<c>Boss &lt;evil@evil.example&gt;</c>), no second address (<c>a@x, b@y</c>), no header
/// (<c>a@x\r\nBcc: ...</c>), no port or path after a host.
/// </summary>
public static class NetworkNames
{
    private static readonly Regex s_label = new(@"\A[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\z", RegexOptions.CultureInvariant);
    private static readonly Regex s_mailLocal = new(@"\A[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*\z", RegexOptions.CultureInvariant);

    /// <summary>Whether <paramref name="name"/> is a DNS host name: dot-separated labels of ASCII letters, digits and inner '-', at most 253 characters (a single label such as <c>localhost</c> is one).</summary>
    public static bool IsHostName(string? name)
    {
        if (string.IsNullOrEmpty(name) || name!.Length > 253)
            return false;
        foreach (string label in name.Split('.'))
            if (!s_label.IsMatch(label))
                return false;
        return true;
    }

    /// <summary>Whether <paramref name="host"/> is a host name (<see cref="IsHostName"/>) or an IPv4 or IPv6 address (an IPv6 address may be in brackets); nothing else: no scheme, port, path or white space.</summary>
    public static bool IsHost(string? host)
    {
        if (string.IsNullOrEmpty(host))
            return false;
        string h = host!;
        if (h.Length > 2 && h[0] == '[' && h[h.Length - 1] == ']')
            return IPAddress.TryParse(h.Substring(1, h.Length - 2), out IPAddress? v6) && v6.AddressFamily == AddressFamily.InterNetworkV6;
        if (IPAddress.TryParse(h, out IPAddress? ip))
            return ip.AddressFamily == AddressFamily.InterNetworkV6 ? h.IndexOf('%') < 0 : IsDottedQuad(h);
        return IsHostName(h);
    }

    /// <summary>Whether <paramref name="address"/> is exactly one bare mail address, <c>local@domain</c> (a dot-atom local part of at most 64 characters, a host name with at least two labels), and does not start with '-'.</summary>
    public static bool IsMailbox(string? address)
    {
        if (string.IsNullOrEmpty(address) || address!.Length > 254 || address[0] == '-')
            return false;
        int at = address.LastIndexOf('@');
        if (at <= 0 || at > 64)
            return false;
        string domain = address.Substring(at + 1);
        return s_mailLocal.IsMatch(address.Substring(0, at)) && domain.IndexOf('.') > 0 && IsHostName(domain);
    }

    private static bool IsDottedQuad(string s)
    {
        string[] parts = s.Split('.');
        if (parts.Length != 4)
            return false;
        foreach (string p in parts)
            if (p.Length == 0 || p.Length > 3 || !int.TryParse(p, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int n) || n > 255)
                return false;
        return true;
    }
}
