using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;

namespace HealthwatchPolicy.FakeGraph;

internal sealed partial class Router
{
    /// <summary>
    /// <c>GET /groups/delta</c> (or <c>delta()</c>): a first round lists every live group (with <c>members@delta</c> when members
    /// are selected), paged by <c>$skiptoken</c>, and ends with a <c>@odata.deltaLink</c>; a round from that link returns
    /// only the groups changed since (removed ones as <c>@removed</c>, membership as added/removed ids).
    /// </summary>
    private GraphResponse Delta(GraphRequest r)
    {
        foreach (string bad in new[] { "$top", "$orderby", "$search", "$count" })
            if (r.Query.Has(bad))
                throw GraphError.Unsupported($"The query option '{bad}' is not supported with delta queries.");

        DeltaState state;
        if (r.Query["$skiptoken"] is { } skip)
            state = DeltaState.Decode(skip, _t.DeltaGeneration);
        else if (r.Query["$deltatoken"] is { } dt)
        {
            if (dt.Equals("latest", StringComparison.OrdinalIgnoreCase))
            {
                var fresh = new DeltaState(_t.Seq, _t.Seq, 0, SelectText(r), FilterText(r), _t.DeltaGeneration);
                return GraphResponse.Ok(new JsonObject
                {
                    ["@odata.context"] = Base + "/$metadata#groups",
                    ["@odata.deltaLink"] = DeltaLink(fresh with { Since = _t.Seq }),
                    ["value"] = new JsonArray(),
                });
            }
            DeltaState previous = DeltaState.Decode(dt, _t.DeltaGeneration);
            state = previous with { Upto = _t.Seq, Offset = 0 };
        }
        else
            state = new DeltaState(0, _t.Seq, 0, SelectText(r), FilterText(r), _t.DeltaGeneration);

        List<string>? select = Select(string.IsNullOrEmpty(state.Select) ? null : state.Select, GroupProps.Append("members").ToArray(), "microsoft.graph.group");
        bool withMembers = select?.Remove("members") == true;
        List<string> props = select ?? GroupDefault.ToList();
        Func<Func<string, object?>, bool>? idFilter = string.IsNullOrEmpty(state.Filter) ? null
            : FilterParser.Parse(state.Filter, "Group", "microsoft.graph.group", new[] { new FilterRule("id", "eq") }, false, 50);

        var changes = new List<JsonObject>();
        foreach (GroupRecord g in _t.Groups)
        {
            if (idFilter is not null && !idFilter(p => p == "id" ? g.Id : null))
                continue;
            bool full = state.Since == 0 || g.CreatedSeq > state.Since;
            if (g.CreatedSeq > state.Upto)
                continue;
            if (g.IsDeleted)
            {
                if (!full && g.ChangedSeq > state.Since && g.ChangedSeq <= state.Upto)
                    changes.Add(new JsonObject { ["id"] = g.Id, ["@removed"] = new JsonObject { ["reason"] = "changed" } });
                continue;
            }
            List<JsonObject> memberDelta;
            if (full)
                memberDelta = g.Members.Select(_t.FindObject).OfType<DirectoryObjectRecord>()
                    .Select(o => new JsonObject { ["@odata.type"] = o.ODataType, ["id"] = o.Id }).ToList();
            else
                memberDelta = _t.MembershipLog.Where(c => c.GroupId == g.Id && c.Seq > state.Since && c.Seq <= state.Upto)
                    .GroupBy(c => c.MemberId, StringComparer.OrdinalIgnoreCase)
                    .Select(grp => grp.Last())
                    .Select(c =>
                    {
                        var o = new JsonObject
                        {
                            ["@odata.type"] = _t.FindObject(c.MemberId)?.ODataType ?? "#microsoft.graph.user",
                            ["id"] = c.MemberId,
                        };
                        if (c.Removed)
                            o["@removed"] = new JsonObject { ["reason"] = "deleted" };
                        return o;
                    }).ToList();
            bool propsChanged = full || (g.ChangedSeq > state.Since && g.ChangedSeq <= state.Upto);
            if (!propsChanged && (!withMembers || memberDelta.Count == 0))
                continue;
            JsonObject json = RenderGroup(g, props.Contains("id") ? props : props.Prepend("id").ToList(), Array.Empty<ExpandItem>(), false);
            if (withMembers && memberDelta.Count > 0)
                json["members@delta"] = new JsonArray(memberDelta.Select(m => (JsonNode?)m).ToArray());
            changes.Add(json);
        }

        var page = changes.Skip(state.Offset).Take(_o.DeltaPageSize).ToList();
        var body = new JsonObject { ["@odata.context"] = Base + "/$metadata#groups" };
        if (state.Offset + page.Count < changes.Count)
            body["@odata.nextLink"] = $"{Base}/groups/delta()?$skiptoken={Uri.EscapeDataString((state with { Offset = state.Offset + page.Count }).Encode())}";
        else
            body["@odata.deltaLink"] = DeltaLink(state with { Since = state.Upto, Offset = 0 });
        body["value"] = new JsonArray(page.Select(j => (JsonNode?)j).ToArray());
        return GraphResponse.Ok(body);
    }

    private string DeltaLink(DeltaState s) => $"{Base}/groups/delta()?$deltatoken={Uri.EscapeDataString(s.Encode())}";

    private static string SelectText(GraphRequest r)
    {
        string select = r.Query["$select"] ?? "";
        if (r.Query["$expand"] is { } expand)
        {
            if (!expand.Trim().Equals("members", StringComparison.OrdinalIgnoreCase))
                throw GraphError.Unsupported("Only $expand=members is supported with delta queries; prefer $select=members.");
            select = select.Length == 0 ? string.Join(",", GroupDefault) + ",members" : select + ",members";
        }
        return select;
    }

    private static string FilterText(GraphRequest r) => r.Query["$filter"] ?? "";

    private sealed record DeltaState(long Since, long Upto, int Offset, string Select, string Filter, int Generation)
    {
        public string Encode()
        {
            string raw = string.Join("\u001f", Since.ToString(CultureInfo.InvariantCulture), Upto.ToString(CultureInfo.InvariantCulture),
                Offset.ToString(CultureInfo.InvariantCulture), Select, Filter, Generation.ToString(CultureInfo.InvariantCulture));
            return Convert.ToBase64String(Encoding.UTF8.GetBytes(raw)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        }

        public static DeltaState Decode(string token, int generation)
        {
            try
            {
                string b64 = token.Replace('-', '+').Replace('_', '/');
                b64 = b64.PadRight(b64.Length + (4 - b64.Length % 4) % 4, '=');
                string[] p = Encoding.UTF8.GetString(Convert.FromBase64String(b64)).Split('\u001f');
                if (p.Length == 6)
                {
                    var s = new DeltaState(long.Parse(p[0], CultureInfo.InvariantCulture), long.Parse(p[1], CultureInfo.InvariantCulture),
                        int.Parse(p[2], CultureInfo.InvariantCulture), p[3], p[4], int.Parse(p[5], CultureInfo.InvariantCulture));
                    if (s.Generation == generation)
                        return s;
                }
            }
            catch (FormatException)
            {
            }
            throw new GraphError(410, "syncStateNotFound", "The sync state is not found or has expired. Restart the synchronisation with a new delta request.");
        }
    }
}
