using System;
using System.Collections.Generic;
using System.Net;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Ports;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Serialization;

namespace HealthwatchPolicy.Engine.Graph;

/// <summary>
/// The journal head's second home in the directory: an open extension named <see cref="ExtensionName"/> on a group the
/// module's app registration may write (<c>Group.ReadWrite.All</c>, the permission the register's own extensions already
/// need), outside the SharePoint library that holds the journal, so a writer of the library alone cannot roll the
/// journal back or rewrite it consistently unseen. One mirror for every admin and the scheduled job (an Azure Automation
/// job has no lasting disk for a local one). Open extensions are not supported on application objects (the resources
/// that support them: device, event, group, group post, message, organization, personal contact, todoTask, todoTaskList,
/// user; api-reference/v1.0/api/opentypeextension-update.md), so a group it is (docs/decisions/0156).
/// Calls: <c>GET /groups/{id}?$select=id</c> once (the group must exist: <c>HeadMirrorGroupNotFound</c>);
/// <c>GET /groups/{id}/extensions/{name}</c> (404: nothing mirrored yet); <c>PATCH /groups/{id}/extensions/{name}</c> with
/// every property (PATCH on a directory object's open extension replaces the whole property set), and on 404
/// <c>POST /groups/{id}/extensions</c> with <c>"@odata.type": "#microsoft.graph.openTypeExtension"</c>.
/// Properties: <c>journal</c> (the store's journal URL), <c>verified</c>, <c>pending</c> (each <c>&lt;sequence&gt;:&lt;hash&gt;</c>
/// or absent), <c>fingerprint</c>.
/// </summary>
public sealed class GraphJournalMirror : IJournalMirror
{
    /// <summary>The open extension's name (reverse-DNS, as the documentation recommends).</summary>
    public const string ExtensionName = "org.healthwatch.journalHead";

    private readonly GraphServiceClient _client;
    private readonly string _groupId;
    private readonly string _journal;

    /// <summary>The mirror of the journal at <paramref name="journalLocation"/> on the group <paramref name="groupId"/>. Makes no request.</summary>
    public GraphJournalMirror(GraphServiceClient client, string groupId, string journalLocation)
    {
        _client = client;
        _groupId = groupId;
        _journal = journalLocation;
        Location = $"group {groupId}, open extension {ExtensionName}";
    }

    /// <summary>
    /// The mirror on <paramref name="groupId"/>, after checking the group exists (<c>GET /groups/{id}?$select=id</c>):
    /// <c>HeadMirrorGroupNotFound</c> (input <c>headMirrorGroup</c>) when it does not or the app cannot see it.
    /// </summary>
    public static GraphJournalMirror Open(GraphServiceClient client, string groupId, string journalLocation)
    {
        string id = groupId.Trim();
        Run(async ct =>
        {
            try
            {
                await client.Groups[id].GetAsync(rc => rc.QueryParameters.Select = new[] { "id" }, ct).ConfigureAwait(false);
            }
            catch (ODataError e) when (GraphErrors.IsStatus(e, HttpStatusCode.NotFound) || GraphErrors.IsStatus(e, HttpStatusCode.BadRequest))
            {
                throw new HwException(ErrorIds.HeadMirrorGroupNotFound,
                    $"There is no group '{id}' to keep the journal head's mirror on, or the app cannot read it. Name a group by its object id; the app needs Group.ReadWrite.All (docs/graph-permissions.md).",
                    id, e, input: "headMirrorGroup");
            }
            return true;
        }, "find the head mirror's group", id);
        return new GraphJournalMirror(client, id, journalLocation);
    }

    /// <summary>The group and the extension's name.</summary>
    public string Location { get; }

    /// <summary>The mirrored point, or null when the group has no such extension yet, or it mirrors another journal, or it is unreadable.</summary>
    public JournalMirrorState? Read()
    {
        Extension? ext = Run(async ct =>
        {
            try
            {
                return await _client.Groups[_groupId].Extensions[ExtensionName].GetAsync(cancellationToken: ct).ConfigureAwait(false);
            }
            catch (ODataError e) when (GraphErrors.IsStatus(e, HttpStatusCode.NotFound))
            {
                return null;
            }
        }, "read the journal head's mirror", Location);
        if (ext?.AdditionalData is not { } data)
            return null;
        if (Text(data, "journal") is { } journal && !string.Equals(journal, _journal, StringComparison.Ordinal))
            return null; // the mirror of another store's journal: proves nothing about this one (it is replaced at the next write)
        return new JournalMirrorState(Mark(Text(data, "verified")), Mark(Text(data, "pending")), Text(data, "fingerprint"));
    }

    /// <summary>Replaces the extension's properties (PATCH with all of them; POST when it does not exist yet).</summary>
    public void Write(JournalMirrorState state)
    {
        Run(async ct =>
        {
            // A new body for each request: the SDK's backing store sends only what changed after a model was sent once.
            try
            {
                await _client.Groups[_groupId].Extensions[ExtensionName].PatchAsync(Body(state), cancellationToken: ct).ConfigureAwait(false);
            }
            catch (ODataError e) when (GraphErrors.IsStatus(e, HttpStatusCode.NotFound))
            {
                try
                {
                    await _client.Groups[_groupId].Extensions.PostAsync(Body(state), cancellationToken: ct).ConfigureAwait(false);
                }
                catch (ODataError created) when (GraphErrors.IsStatus(created, HttpStatusCode.Conflict)
                    || (GraphErrors.IsStatus(created, HttpStatusCode.BadRequest) && GraphErrors.Mentions(created, "already exists")))
                {
                    // another writer created it between our PATCH and POST: replace what it wrote
                    await _client.Groups[_groupId].Extensions[ExtensionName].PatchAsync(Body(state), cancellationToken: ct).ConfigureAwait(false);
                }
            }
            return true;
        }, "write the journal head's mirror", Location);
    }

    private OpenTypeExtension Body(JournalMirrorState state)
    {
        var data = new Dictionary<string, object>
        {
            ["journal"] = new UntypedString(_journal),
        };
        // Every property each time: PATCH on a directory object's extension drops the ones left out, which is how an
        // absent point (no pending append, an empty journal) is written.
        if (state.Verified is not null)
            data["verified"] = new UntypedString(state.Verified.ToString());
        if (state.Pending is not null)
            data["pending"] = new UntypedString(state.Pending.ToString());
        if (state.Fingerprint is not null)
            data["fingerprint"] = new UntypedString(state.Fingerprint);
        return new OpenTypeExtension { OdataType = "#microsoft.graph.openTypeExtension", ExtensionName = ExtensionName, AdditionalData = data };
    }

    /// <summary>A custom property's text, however the SDK handed it over (an untyped node, a string, a JSON element).</summary>
    private static string? Text(IDictionary<string, object> data, string key) =>
        data.TryGetValue(key, out object? value) ? value switch
        {
            string s => s,
            UntypedString u => u.GetValue(),
            JsonElement { ValueKind: JsonValueKind.String } e => e.GetString(),
            _ => null,
        } : null;

    private static JournalMark? Mark(string? text) => JournalMark.TryParse(text, out JournalMark? mark) ? mark : null;

    /// <summary>Runs one call, mapping Graph's failures to the engine's errors (as the state store does).</summary>
    private static T Run<T>(Func<CancellationToken, Task<T>> call, string what, object? target)
    {
        try
        {
            return call(CancellationToken.None).ConfigureAwait(false).GetAwaiter().GetResult();
        }
        catch (ODataError e)
        {
            throw GraphErrors.From(e, what, target);
        }
        catch (ApiException e) when (e is not ODataError)
        {
            throw GraphErrors.FromBody(e.ResponseStatusCode, (e as ServiceException)?.RawResponseBody, what, target);
        }
        catch (AggregateException e) when (GraphErrors.RetriesExhausted(e) is { } last)
        {
            throw GraphErrors.FromBody(last.ResponseStatusCode, (last as ServiceException)?.RawResponseBody, what, target);
        }
        catch (Exception e) when (GraphErrors.IsTransport(e))
        {
            throw GraphErrors.Unavailable(e, what, target);
        }
    }
}
