using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;

namespace HealthwatchPolicy.Benchmarks;

/// <summary>
/// The fewest round trips the compliance report's register read can take on an organisation, computed from its
/// directory.json (not from what the adapter did). It is the Graph adapter's own plan counted from the data:
/// <list type="bullet">
/// <item>group pages: the posting groups (display name starts with the prefix) with their extensions, 999 to a page;</item>
/// <item>member batches: one <c>$batch</c> item per posting group (its direct user members, 999 to a page), 20 items to a
/// <c>$batch</c>; a group with more than 999 members needs one more request per extra page;</item>
/// <item>user batches: the distinct users behind the register (posters, owners, consenters) 15 ids to an <c>id in (...)</c>
/// filter (Graph's limit), two items per filter (users with <c>$expand=manager</c>; their <c>$expand=extensions</c>;
/// Graph expands one relationship per request), 20 items to a <c>$batch</c>: ceil(2 * ceil(users / 15) / 20).</item>
/// </list>
/// The policy's role holders (spec.roles, by user principal name) are read in the same <c>$batch</c>es: 15 names to a
/// <c>userPrincipalName in (...)</c> filter, two items per filter, so user batches are
/// ceil(2 * (ceil(users / 15) + ceil(roleHolders / 15)) / 20).
/// Issue 15: the posters' facts (leave date, authentication methods, sign-in activity), one <c>$batch</c> item per
/// poster of an active account and facet, 20 items to a <c>$batch</c>, each facet on its own: 3 * ceil(posters / 20).
/// </summary>
internal sealed class MinimumPlan
{
    public const int PageSize = 999;
    public const int BatchSize = 20;
    public const int IdsPerFilter = 15;

    public int PostingGroups { get; private init; }
    public int RegisteredGroups { get; private init; }
    public int DistinctUsers { get; private init; }
    public int RoleHolders { get; private init; }
    public int GroupPages { get; private init; }
    public int MemberBatches { get; private init; }
    public int ExtraMemberPages { get; private init; }
    public int UserBatches { get; private init; }
    public int Posters { get; private init; }
    public int PosterFactBatches { get; private init; }
    public int Total => GroupPages + MemberBatches + ExtraMemberPages + UserBatches + PosterFactBatches;

    public static MinimumPlan FromDirectory(string directoryJson, string postingGroupPrefix, IReadOnlyCollection<string> roleHolderNames)
    {
        var doc = (JsonObject)JsonNode.Parse(File.ReadAllText(directoryJson))!;
        var userIds = new HashSet<string>(
            (doc["users"] as JsonArray ?? new JsonArray()).OfType<JsonObject>().Select(u => (string)u["id"]!), StringComparer.OrdinalIgnoreCase);
        var posting = (doc["groups"] as JsonArray ?? new JsonArray()).OfType<JsonObject>()
            .Where(g => ((string?)g["displayName"] ?? "").StartsWith(postingGroupPrefix, StringComparison.OrdinalIgnoreCase)).ToList();

        var referenced = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var posters = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        int extraPages = 0, registered = 0;
        foreach (JsonObject g in posting)
        {
            // members/microsoft.graph.user: only the user members come back
            List<string> members = (g["members"] as JsonArray ?? new JsonArray()).Select(m => (string)m!).Where(userIds.Contains).ToList();
            referenced.UnionWith(members);
            extraPages += Math.Max(0, Ceiling(members.Count, PageSize) - 1);
            if (g["extension"] is JsonObject e && (string?)e["extensionName"] == "org.healthwatch.policy.register" && e["name"] is not null)
            {
                registered++;
                if (((string?)e["status"] ?? "Active") == "Active")
                    posters.UnionWith(members);
                foreach (string key in new[] { "ownerId", "consentById" })
                    if ((string?)e[key] is { Length: > 0 } id)
                        referenced.Add(id);
            }
        }
        return new MinimumPlan
        {
            PostingGroups = posting.Count,
            RegisteredGroups = registered,
            DistinctUsers = referenced.Count,
            RoleHolders = roleHolderNames.Distinct(StringComparer.OrdinalIgnoreCase).Count(),
            GroupPages = Math.Max(1, Ceiling(posting.Count, PageSize)),
            MemberBatches = Ceiling(posting.Count, BatchSize),
            ExtraMemberPages = extraPages,
            Posters = posters.Count,
            PosterFactBatches = 3 * Ceiling(posters.Count, BatchSize),
            UserBatches = Ceiling(2 * (Ceiling(referenced.Count, IdsPerFilter)
                                       + Ceiling(roleHolderNames.Distinct(StringComparer.OrdinalIgnoreCase).Count(), IdsPerFilter)), BatchSize),
        };
    }

    private static int Ceiling(int n, int size) => (n + size - 1) / size;
}
