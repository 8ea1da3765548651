using System;
using System.Collections.Generic;
using System.Linq;

namespace HealthwatchPolicy.FakeGraph;

/// <summary>Nested groups (<c>transitiveMembers</c>) and the group kinds Graph will not change members of (docs/decisions/0090).</summary>
internal sealed partial class Router
{
    /// <summary>
    /// <c>GET /groups/{id}/transitiveMembers</c>: "a flat list of all nested members" (group-list-transitivemembers),
    /// each object once however many paths lead to it; a cycle of nesting ends where a group is met again, and the group
    /// itself is not its own member. <c>$select</c>, <c>$top</c> (default 100, at most 999), <c>$filter</c>,
    /// <c>$count</c> and the OData casts <c>/microsoft.graph.user</c> and <c>/microsoft.graph.group</c> as on
    /// <c>members</c>; a cast to groups on a Microsoft 365 group is 400 <c>Request_UnsupportedQuery</c> (the page:
    /// such a group cannot have groups as members).
    /// </summary>
    private GraphResponse TransitiveMembers(GraphRequest r, string groupId)
    {
        IReadOnlyList<string> s = r.Segments;
        GroupRecord group = GroupById(groupId);
        if (!Is(r, "GET"))
            throw MethodNotAllowed();
        List<DirectoryObjectRecord> all = Transitive(group);
        if (s.Count == 3)
            return ObjectPage(r, all, "directoryObjects");
        if (s.Count == 4 && s[3] == "$count")
            return CountOf(r, all.Count);
        string? cast = CastSet(s[3]);
        if (cast is null)
            throw SegmentNotFound(s[3]);
        if (cast == "groups" && group.GroupTypes.Contains("Unified", StringComparer.OrdinalIgnoreCase))
            throw GraphError.Unsupported("The specified type cast is not supported: a Microsoft 365 group cannot have groups as members.");
        var objs = all.Where(o => CollectionOf(o) == cast).ToList();
        if (s.Count == 5 && s[4] == "$count")
            return CountOf(r, objs.Count);
        if (s.Count != 4)
            throw SegmentNotFound(s[^1]);
        return ObjectPage(r, objs, cast);
    }

    /// <summary>Every member at any depth, breadth first, each once; the group itself is left out (a cycle through it included).</summary>
    private List<DirectoryObjectRecord> Transitive(GroupRecord group)
    {
        var result = new List<DirectoryObjectRecord>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { group.Id };
        var queue = new Queue<GroupRecord>();
        queue.Enqueue(group);
        while (queue.Count > 0)
        {
            GroupRecord g = queue.Dequeue();
            foreach (DirectoryObjectRecord o in g.Members.Select(_t.FindObject).OfType<DirectoryObjectRecord>())
            {
                if (!seen.Add(o.Id))
                    continue;
                result.Add(o);
                if (o is GroupRecord inner)
                    queue.Enqueue(inner);
            }
        }
        return result;
    }

    /// <summary>
    /// Graph refuses membership changes on a mail-enabled security group or a distribution list (mailEnabled, not
    /// "Unified"): 400 <c>Request_BadRequest</c> with the message admins report (microsoft-graph-docs #14827, #14899).
    /// </summary>
    private static void RefuseMailEnabledMembership(GroupRecord g)
    {
        if (g.MailEnabled && !g.GroupTypes.Contains("Unified", StringComparer.OrdinalIgnoreCase))
            throw GraphError.BadRequest("Cannot Update a mail-enabled security groups and or distribution list.");
    }
}
