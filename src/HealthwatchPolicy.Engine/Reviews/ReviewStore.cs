using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Serialization;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Storage;

namespace HealthwatchPolicy.Engine.Reviews;

/// <summary>reviews/&lt;period&gt;.json in the state folder; written atomically (the caller holds the state lock).</summary>
internal sealed class ReviewStore
{
    private static readonly JsonSerializerOptions s_json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
    };

    private readonly string _folder;

    public ReviewStore(string stateFolder) => _folder = Path.Combine(stateFolder, "reviews");

    private string PathFor(string period) => Path.Combine(_folder, period + ".json");

    public AccessReview? Find(string period)
    {
        string path = PathFor(period);
        if (!File.Exists(path))
            return null;
        try
        {
            return JsonSerializer.Deserialize<AccessReview>(File.ReadAllText(path), s_json)
                   ?? throw new JsonException("empty file");
        }
        catch (JsonException ex)
        {
            throw new HwException(ErrorIds.ReviewInvalid, $"The access review file '{path}' is damaged: {ex.Message}", path, ex);
        }
    }

    public IReadOnlyList<AccessReview> All() =>
        Directory.Exists(_folder)
            ? Directory.GetFiles(_folder, "????-??.json").OrderBy(p => p, StringComparer.Ordinal)
                .Select(p => Find(Path.GetFileNameWithoutExtension(p))!).ToList()
            : Array.Empty<AccessReview>();

    public AccessReview? Latest() => All().LastOrDefault();

    public void Save(AccessReview review) => AtomicFile.WriteAllText(PathFor(review.Period), JsonSerializer.Serialize(review, s_json));
}
