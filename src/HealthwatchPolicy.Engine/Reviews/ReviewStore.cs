using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Ports;

namespace HealthwatchPolicy.Engine.Reviews;

/// <summary>
/// Each review is the state-store document <c>reviews/&lt;yyyy-MM&gt;.json</c> (locally a file in the state folder).
/// A review is saved only over the version this store last read or wrote, so a change made meanwhile by another
/// process is never overwritten (the caller holds the state lock, so that is a conflict, not a wait).
/// </summary>
internal sealed class ReviewStore
{
    private const string Folder = "reviews";
    private static readonly Regex s_name = new(@"\Areviews/.{4}-.{2}\.json\z", RegexOptions.CultureInvariant);
    private static readonly JsonSerializerOptions s_json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
    };

    private readonly System.Func<IStateStore> _stores;

    /// <summary>The session's store as it is now (read-only while a change is planned: docs/decisions/0161).</summary>
    private IStateStore _store => _stores();
    private readonly Dictionary<string, string> _versions = new(StringComparer.Ordinal);

    public ReviewStore(IStateStore store) => _stores = () => store;

    /// <summary>A store of reviews in whatever <paramref name="store"/> gives at each call (the session's, planned or not).</summary>
    public ReviewStore(System.Func<IStateStore> store) => _stores = store;

    private static string NameFor(string period) => Folder + "/" + period + ".json";

    public AccessReview? Find(string period)
    {
        string name = NameFor(period);
        if (_store.Read(name) is not { } document)
        {
            _versions.Remove(period);
            return null;
        }
        try
        {
            AccessReview review = JsonSerializer.Deserialize<AccessReview>(document.Content, s_json)
                                  ?? throw new JsonException("empty file");
            _versions[period] = document.Version;
            return review;
        }
        catch (JsonException ex)
        {
            string where = _store.Locate(name);
            throw new HwException(ErrorIds.ReviewInvalid, $"The access review file '{where}' is damaged: {ex.Message}", where, ex);
        }
    }

    public IReadOnlyList<AccessReview> All() =>
        _store.List(Folder).Where(n => s_name.IsMatch(n))
            .Select(n => Find(n.Substring(Folder.Length + 1, 7))!).ToList();

    public void Save(AccessReview review)
    {
        string content = JsonSerializer.Serialize(review, s_json);
        _versions[review.Period] = _versions.TryGetValue(review.Period, out string? version)
            ? _store.Replace(NameFor(review.Period), content, version)
            : _store.Create(NameFor(review.Period), content);
    }
}
