using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;

namespace HealthwatchPolicy.FakeGraph;

internal sealed partial class Router
{
    // Graph's default user property set (no $select), in Graph's order.
    internal static readonly string[] UserDefault =
    {
        "businessPhones", "displayName", "givenName", "jobTitle", "mail", "mobilePhone", "officeLocation", "preferredLanguage",
        "surname", "userPrincipalName", "id",
    };

    internal static readonly string[] UserProps = UserDefault.Concat(new[]
    {
        "accountEnabled", "employeeType", "userType", "department", "createdDateTime", "companyName", "employeeId", "mailNickname",
        "otherMails", "proxyAddresses", "usageLocation", "deletedDateTime", "onPremisesSyncEnabled", "city", "country", "state",
        "employeeHireDate", "externalUserState", "employeeLeaveDateTime", "signInActivity",
    }).ToArray();

    internal static readonly string[] GroupDefault =
    {
        "id", "deletedDateTime", "classification", "createdDateTime", "description", "displayName",
        "expirationDateTime", "groupTypes", "isAssignableToRole", "mail", "mailEnabled", "mailNickname", "membershipRule",
        "membershipRuleProcessingState", "onPremisesDomainName", "onPremisesLastSyncDateTime", "onPremisesNetBiosName",
        "onPremisesSamAccountName", "onPremisesSecurityIdentifier", "onPremisesSyncEnabled", "preferredDataLocation",
        "preferredLanguage", "proxyAddresses", "renewedDateTime", "resourceBehaviorOptions", "resourceProvisioningOptions",
        "securityEnabled", "securityIdentifier", "theme", "visibility", "onPremisesProvisioningErrors", "serviceProvisioningErrors",
    };

    internal static readonly string[] GroupProps = GroupDefault;

    private static readonly string[] GroupWritable =
    {
        "displayName", "description", "mailNickname", "mailEnabled", "securityEnabled", "groupTypes", "visibility",
        "isAssignableToRole", "classification", "preferredLanguage", "theme", "membershipRule", "membershipRuleProcessingState",
    };

    internal static readonly string[] ServicePrincipalProps = { "id", "appId", "displayName", "servicePrincipalType", "accountEnabled", "deletedDateTime" };

    internal static readonly string[] AllObjectProps = UserProps.Concat(GroupProps).Concat(ServicePrincipalProps).Distinct().ToArray();

    private static readonly string[] UserExpands = { "manager", "extensions", "memberOf" };
    private static readonly string[] GroupExpands = { "members", "owners", "extensions" };

    internal static readonly FilterRule[] UserFilterRules =
    {
        new("id", "eq in", "ne"),
        new("userPrincipalName", "eq in startswith ge le", "ne endswith eqnull"),
        new("mail", "eq in startswith ge le", "ne endswith eqnull"),
        new("displayName", "eq in startswith ge le", "ne endswith eqnull"),
        new("givenName", "eq in startswith ge le", "ne endswith eqnull"),
        new("surname", "eq in startswith ge le", "ne endswith eqnull"),
        new("accountEnabled", "eq in", "ne eqnull"),
        new("department", "eq in startswith ge le", "ne endswith eqnull"),
        new("jobTitle", "eq in ge le", "startswith ne endswith eqnull"),
        new("userType", "eq in", "ne eqnull"),
        new("employeeType", "", "eq in startswith ne ge le eqnull"),
    };

    internal static readonly FilterRule[] GroupFilterRules =
    {
        new("id", "eq in", "ne"),
        new("displayName", "eq in startswith ge le", "ne endswith eqnull"),
        new("mailNickname", "eq in startswith ge le", "ne endswith eqnull"),
        new("description", "eq startswith ge le", "ne endswith in eqnull"),
        new("securityEnabled", "eq in", "ne"),
        new("mailEnabled", "eq", "ne in"),
        new("groupTypes", "any"),
    };

    private static readonly Dictionary<string, Func<UserRecord, string?>> UserOrderKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        ["displayName"] = u => u.DisplayName,
        ["userPrincipalName"] = u => u.UserPrincipalName,
    };

    private static readonly Dictionary<string, Func<GroupRecord, string?>> GroupOrderKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        ["displayName"] = g => g.DisplayName,
    };

    private static object? UserFilterValue(UserRecord u, string p) => p switch
    {
        "id" => u.Id,
        "userPrincipalName" => u.UserPrincipalName,
        "mail" => u.Mail,
        "displayName" => u.DisplayName,
        "givenName" => u.GivenName,
        "surname" => u.Surname,
        "accountEnabled" => u.AccountEnabled,
        "department" => u.Department,
        "jobTitle" => u.JobTitle,
        "userType" => u.UserType,
        "employeeType" => u.EmployeeType,
        _ => null,
    };

    private static object? GroupFilterValue(GroupRecord g, string p) => p switch
    {
        "id" => g.Id,
        "displayName" => g.DisplayName,
        "mailNickname" => g.MailNickname,
        "description" => g.Description,
        "securityEnabled" => g.SecurityEnabled,
        "mailEnabled" => g.MailEnabled,
        "groupTypes" => g.GroupTypes,
        _ => null,
    };

    private static JsonNode? UserValue(UserRecord u, string p) => p switch
    {
        "id" => u.Id,
        "userPrincipalName" => u.UserPrincipalName,
        "displayName" => u.DisplayName,
        "givenName" => u.GivenName,
        "surname" => u.Surname,
        "mail" => u.Mail,
        "jobTitle" => u.JobTitle,
        "accountEnabled" => u.AccountEnabled,
        "employeeType" => u.EmployeeType,
        "userType" => u.UserType,
        "department" => u.Department,
        "createdDateTime" => Json.Iso(u.CreatedDateTime),
        "businessPhones" or "otherMails" => new JsonArray(),
        "mailNickname" => u.UserPrincipalName.Split('@')[0],
        "proxyAddresses" => u.Mail is null ? new JsonArray() : new JsonArray("SMTP:" + u.Mail),
        "employeeLeaveDateTime" => u.EmployeeLeaveDateTime is { } l ? Json.Iso(l) : null,
        // Graph leaves signInActivity out for a user who never signed in (or not since April 2020).
        "signInActivity" => u.LastSignInDateTime is { } s ? new JsonObject
        {
            ["lastSignInDateTime"] = Json.Iso(s),
            ["lastSignInRequestId"] = Guid.NewGuid().ToString(),
            ["lastNonInteractiveSignInDateTime"] = Json.Iso(s),
            ["lastNonInteractiveSignInRequestId"] = Guid.NewGuid().ToString(),
        } : null,
        _ => null,
    };

    private JsonNode? GroupValue(GroupRecord g, string p) => p switch
    {
        "id" => g.Id,
        "deletedDateTime" => g.DeletedDateTime is { } d ? Json.Iso(d) : null,
        "createdDateTime" or "renewedDateTime" => Json.Iso(g.CreatedDateTime),
        "proxyAddresses" or "resourceBehaviorOptions" or "resourceProvisioningOptions"
            or "onPremisesProvisioningErrors" or "serviceProvisioningErrors" => new JsonArray(),
        "description" => g.Description,
        "displayName" => g.DisplayName,
        "groupTypes" => new JsonArray(g.GroupTypes.Select(t => (JsonNode?)t).ToArray()),
        "mail" => g.MailEnabled ? $"{g.MailNickname}@{Domain()}" : null,
        "mailEnabled" => g.MailEnabled,
        "mailNickname" => g.MailNickname,
        "securityEnabled" => g.SecurityEnabled,
        "securityIdentifier" => g.SecurityIdentifier,
        "visibility" => g.Visibility,
        _ => null,
    };

    private string Domain() => _t.Users.Select(u => u.UserPrincipalName.Split('@').Last()).FirstOrDefault() ?? "fake.onmicrosoft.com";

    private static JsonNode? ServicePrincipalValue(ServicePrincipalRecord sp, string p) => p switch
    {
        "id" => sp.Id,
        "appId" => sp.AppId,
        "displayName" => sp.DisplayName,
        "servicePrincipalType" => "Application",
        "accountEnabled" => true,
        _ => null,
    };

    private JsonObject RenderUser(UserRecord u, IReadOnlyList<string> select, IReadOnlyList<ExpandItem> expand, bool includeType)
    {
        var o = new JsonObject();
        if (includeType)
            o["@odata.type"] = u.ODataType;
        foreach (string p in select)
            o[p] = UserValue(u, p);
        foreach (ExpandItem e in expand)
        {
            switch (e.Name)
            {
                case "manager":
                {
                    int levels = e.Levels ?? 1;
                    JsonObject? chain = ManagerChain(u, e, levels, new HashSet<string>(StringComparer.OrdinalIgnoreCase) { u.Id });
                    if (chain is not null)
                        o["manager"] = chain;
                    break;
                }
                case "extensions":
                    o["extensions"] = new JsonArray(FilterExtensions(u, e).Select(x => (JsonNode?)RenderExtension(x)).ToArray());
                    break;
                case "memberOf":
                {
                    var groups = _t.Groups.Where(g => !g.IsDeleted && g.Members.Contains(u.Id, StringComparer.OrdinalIgnoreCase)).Take(_o.ExpandLimit);
                    o["memberOf"] = new JsonArray(groups.Select(g => (JsonNode?)RenderObject(g, e.Select)).ToArray());
                    break;
                }
            }
        }
        return o;
    }

    private JsonObject? ManagerChain(UserRecord u, ExpandItem e, int levels, HashSet<string> seen)
    {
        if (levels <= 0 || u.ManagerId is null || _t.FindUser(u.ManagerId) is not { } m || !seen.Add(m.Id))
            return null;
        JsonObject o = RenderUser(m, e.Select ?? UserDefault.ToList(), Array.Empty<ExpandItem>(), true);
        if (e.Levels is not null && ManagerChain(m, e, levels - 1, seen) is { } next)
            o["manager"] = next;
        return o;
    }

    private static IEnumerable<ExtensionRecord> FilterExtensions(DirectoryObjectRecord owner, ExpandItem e)
    {
        if (e.Filter is null)
            return owner.Extensions;
        var pred = FilterParser.Parse(e.Filter, "Extension", "microsoft.graph.extension", new[] { new FilterRule("id", "eq in") }, false, 15);
        return owner.Extensions.Where(x => pred(p => p == "id" ? x.Name : null));
    }

    private JsonObject RenderGroup(GroupRecord g, IReadOnlyList<string> select, IReadOnlyList<ExpandItem> expand, bool includeType)
    {
        var o = new JsonObject();
        if (includeType)
            o["@odata.type"] = g.ODataType;
        foreach (string p in select)
            o[p] = GroupValue(g, p);
        foreach (ExpandItem e in expand)
        {
            switch (e.Name)
            {
                case "members":
                case "owners":
                {
                    var objs = Related(g, e.Name == "members").Take(_o.ExpandLimit);
                    o[e.Name] = new JsonArray(objs.Select(x => (JsonNode?)RenderObject(x, e.Select)).ToArray());
                    break;
                }
                case "extensions":
                    o["extensions"] = new JsonArray(FilterExtensions(g, e).Select(x => (JsonNode?)RenderExtension(x)).ToArray());
                    break;
            }
        }
        return o;
    }

    /// <summary>A directory object with <c>@odata.type</c>; with a selection, each type renders only the properties it has.</summary>
    private JsonObject RenderObject(DirectoryObjectRecord obj, IReadOnlyList<string>? select, bool includeType = true)
    {
        switch (obj)
        {
            case UserRecord u:
                return RenderUser(u, select?.Where(p => UserProps.Contains(p)).ToList() ?? UserDefault.ToList(), Array.Empty<ExpandItem>(), includeType);
            case GroupRecord g:
                return RenderGroup(g, select?.Where(p => GroupProps.Contains(p)).ToList() ?? GroupDefault.ToList(), Array.Empty<ExpandItem>(), includeType);
            case ServicePrincipalRecord sp:
            {
                var o = new JsonObject();
                if (includeType)
                    o["@odata.type"] = sp.ODataType;
                foreach (string p in select?.Where(p => ServicePrincipalProps.Contains(p)) ?? ServicePrincipalProps)
                    o[p] = ServicePrincipalValue(sp, p);
                return o;
            }
            default:
                throw new InvalidOperationException("Unknown directory object.");
        }
    }

    /// <summary>Canonical property names of a <c>$select</c> (matched case-insensitively), or null when there is none.</summary>
    private static List<string>? Select(string? select, string[] known, string typeName)
    {
        if (select is null)
            return null;
        var result = new List<string>();
        foreach (string raw in select.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string? canonical = known.FirstOrDefault(k => k.Equals(raw, StringComparison.OrdinalIgnoreCase));
            if (canonical is null)
                throw new GraphError(400, "BadRequest", $"Parsing OData Select and Expand failed: Could not find a property named '{raw}' on type '{typeName}'.");
            if (!result.Contains(canonical))
                result.Add(canonical);
        }
        if (result.Count == 0)
            throw new GraphError(400, "BadRequest", "Parsing OData Select and Expand failed: the $select list is empty.");
        return result;
    }

    internal sealed record ExpandItem(string Name, List<string>? Select, int? Levels, string? Filter);

    private static List<ExpandItem> Expand(string? expand, string typeName, string[] allowed)
    {
        var items = new List<ExpandItem>();
        if (string.IsNullOrWhiteSpace(expand))
            return items;
        foreach (string part in SplitTopLevel(expand, ','))
        {
            string name = part, options = "";
            int paren = part.IndexOf('(');
            if (paren >= 0)
            {
                if (!part.EndsWith(')'))
                    throw new GraphError(400, "BadRequest", $"Parsing OData Select and Expand failed: syntax error in '{part}'.");
                name = part.Substring(0, paren).Trim();
                options = part.Substring(paren + 1, part.Length - paren - 2);
            }
            string? canonical = allowed.FirstOrDefault(a => a.Equals(name, StringComparison.OrdinalIgnoreCase))
                ?? throw new GraphError(400, "BadRequest", $"Parsing OData Select and Expand failed: Could not find a property named '{name}' on type '{typeName}'.");
            List<string>? select = null;
            int? levels = null;
            string? filter = null;
            foreach (string opt in SplitTopLevel(options, ';'))
            {
                int eq = opt.IndexOf('=');
                string key = (eq < 0 ? opt : opt.Substring(0, eq)).Trim().TrimStart('$').ToLowerInvariant();
                string value = eq < 0 ? "" : opt.Substring(eq + 1).Trim();
                switch (key)
                {
                    case "select":
                        string[] props = canonical switch { "manager" => UserProps, "extensions" => new[] { "id", "extensionName" }, "memberOf" => GroupProps, _ => AllObjectProps };
                        select = Select(value, props, canonical == "manager" ? "microsoft.graph.user" : "microsoft.graph.directoryObject");
                        break;
                    case "levels" when canonical == "manager":
                        levels = value.Equals("max", StringComparison.OrdinalIgnoreCase) ? 1000
                            : int.TryParse(value, out int l) && l is >= 1 and <= 1000 ? l
                            : throw new GraphError(400, "BadRequest", $"Invalid value '{value}' for $levels; use 1..1000 or max.");
                        break;
                    case "filter" when canonical == "extensions":
                        filter = value;
                        break;
                    default:
                        throw GraphError.Unsupported($"Query option '${key}' is not supported inside $expand={canonical}.");
                }
            }
            if (canonical == "manager" && select is not null && levels is null)
                throw GraphError.Unsupported("$select inside $expand=manager requires $levels.");
            items.Add(new ExpandItem(canonical, select, levels, filter));
        }
        return items;
    }

    private static IEnumerable<string> SplitTopLevel(string s, char separator)
    {
        int depth = 0, start = 0;
        bool quoted = false;
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (c == '\'')
                quoted = !quoted;
            else if (!quoted && c == '(')
                depth++;
            else if (!quoted && c == ')')
                depth--;
            else if (!quoted && depth == 0 && c == separator)
            {
                if (s.Substring(start, i - start).Trim() is { Length: > 0 } piece)
                    yield return piece;
                start = i + 1;
            }
        }
        if (s.Substring(start).Trim() is { Length: > 0 } last)
            yield return last;
    }
}
