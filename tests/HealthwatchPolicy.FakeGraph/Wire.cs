using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace HealthwatchPolicy.FakeGraph;

/// <summary>A logical request: a plain HTTP request or one <c>$batch</c> item, after URL decoding.</summary>
internal sealed class GraphRequest
{
    public required string Method { get; init; }
    /// <summary>Decoded path segments after <c>/v1.0</c>.</summary>
    public required IReadOnlyList<string> Segments { get; init; }
    /// <summary>Path and query after <c>/v1.0</c>, as received (for the log).</summary>
    public required string PathAndQuery { get; init; }
    public required QueryOptions Query { get; init; }
    public required Dictionary<string, string> Headers { get; init; }
    public byte[]? Body { get; init; }
    public bool InBatch { get; init; }
    public string? BatchItemId { get; init; }

    public string? Header(string name) => Headers.TryGetValue(name, out string? v) ? v : null;

    /// <summary>True when the request carries <c>ConsistencyLevel: eventual</c>.</summary>
    public bool Eventual => string.Equals(Header("ConsistencyLevel")?.Trim(), "eventual", StringComparison.OrdinalIgnoreCase);

    public JsonObject BodyObject()
    {
        if (Body is null || Body.Length == 0)
            throw new GraphError(400, "BadRequest", "Empty Payload. JSON content expected.");
        try
        {
            return JsonNode.Parse(Body) as JsonObject
                ?? throw new GraphError(400, "BadRequest", "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.");
        }
        catch (JsonException)
        {
            throw new GraphError(400, "BadRequest", "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.");
        }
    }

    /// <summary>Splits "path?query" (path may be percent-encoded; batch urls arrive unescaped) into a request.</summary>
    public static (List<string> Segments, QueryOptions Query) ParseTarget(string pathAndQuery)
    {
        int q = pathAndQuery.IndexOf('?');
        string path = q < 0 ? pathAndQuery : pathAndQuery.Substring(0, q);
        string query = q < 0 ? "" : pathAndQuery.Substring(q + 1);
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Unescape).ToList();
        return (segments, QueryOptions.Parse(query));
    }

    internal static string Unescape(string s)
    {
        try
        {
            return Uri.UnescapeDataString(s);
        }
        catch (UriFormatException)
        {
            return s;
        }
    }
}

/// <summary>Query options, keys and values URL-decoded (<c>%24top</c> == <c>$top</c>), names case-insensitive.</summary>
internal sealed class QueryOptions
{
    private readonly Dictionary<string, string> _values = new(StringComparer.OrdinalIgnoreCase);

    public static QueryOptions Parse(string query)
    {
        var result = new QueryOptions();
        foreach (string part in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = part.IndexOf('=');
            string key = GraphRequest.Unescape(eq < 0 ? part : part.Substring(0, eq)).Trim();
            string value = eq < 0 ? "" : GraphRequest.Unescape(part.Substring(eq + 1));
            if (key.Length == 0)
                continue;
            if (!key.StartsWith('$') && !key.StartsWith('@') && key.IndexOf('$') < 0 && IsODataName("$" + key))
                key = "$" + key; // Graph accepts system query options without the dollar sign
            if (!result._values.TryAdd(key, value))
                throw new GraphError(400, "BadRequest", $"Query option '{key}' was specified more than once, but it must be specified at most once.");
        }
        return result;
    }

    private static bool IsODataName(string key) => key.ToLowerInvariant() is "$select" or "$filter" or "$top" or "$expand" or "$count"
        or "$orderby" or "$search" or "$skiptoken" or "$deltatoken" or "$skip";

    public string? this[string key] => _values.TryGetValue(key, out string? v) ? v : null;
    public bool Has(string key) => _values.ContainsKey(key);
    public IEnumerable<KeyValuePair<string, string>> All => _values;

    public bool CountRequested => string.Equals(this["$count"], "true", StringComparison.OrdinalIgnoreCase);
}

/// <summary>A Graph error; becomes the documented error body.</summary>
internal sealed class GraphError : Exception
{
    public GraphError(int status, string code, string message, IReadOnlyDictionary<string, string>? headers = null, JsonObject? innerExtra = null)
        : base(message)
    {
        Status = status;
        Code = code;
        Headers = headers;
        InnerExtra = innerExtra;
    }

    public int Status { get; }
    public string Code { get; }
    public IReadOnlyDictionary<string, string>? Headers { get; }
    public JsonObject? InnerExtra { get; }

    public static GraphError NotFound(string id) =>
        new(404, "Request_ResourceNotFound", $"Resource '{id}' does not exist or one of its queried reference-property objects are not present.");

    public static GraphError BadRequest(string message) => new(400, "Request_BadRequest", message);
    public static GraphError Unsupported(string message) => new(400, "Request_UnsupportedQuery", message);
}

/// <summary>The answer to one logical request.</summary>
internal sealed class GraphResponse
{
    public int Status { get; init; }
    public JsonNode? Json { get; init; }
    public string? Text { get; init; }
    /// <summary>A binary body (file content), sent as application/octet-stream.</summary>
    public byte[]? Bytes { get; init; }
    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    public static GraphResponse Ok(JsonNode json) => new() { Status = 200, Json = json };
    public static GraphResponse Created(JsonNode json) => new() { Status = 201, Json = json };
    public static GraphResponse NoContent() => new() { Status = 204 };
    public static GraphResponse Accepted() => new() { Status = 202 };

    public bool IsSuccess => Status is >= 200 and <= 299;
}

internal static class Json
{
    public static readonly JsonSerializerOptions Options = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = false,
    };

    public static byte[] Bytes(JsonNode node) => Encoding.UTF8.GetBytes(node.ToJsonString(Options));

    public static JsonObject ErrorBody(string code, string message, string requestId, string clientRequestId, DateTimeOffset now, JsonObject? innerExtra = null)
    {
        var inner = new JsonObject();
        if (innerExtra is not null)
            foreach (var kv in innerExtra)
                inner[kv.Key] = kv.Value?.DeepClone();
        inner["date"] = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        inner["request-id"] = requestId;
        inner["client-request-id"] = clientRequestId;
        return new JsonObject
        {
            ["error"] = new JsonObject
            {
                ["code"] = code,
                ["message"] = message,
                ["innerError"] = inner,
            },
        };
    }

    public static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    public static string? GetString(JsonObject o, params string[] names)
    {
        foreach (string n in names)
            if (TryGet(o, n, out JsonNode? v) && v is JsonValue jv && jv.TryGetValue(out string? s))
                return s;
        return null;
    }

    /// <summary>Case-insensitive property lookup (exact match wins).</summary>
    public static bool TryGet(JsonObject o, string name, out JsonNode? value)
    {
        if (o.TryGetPropertyValue(name, out value))
            return true;
        foreach (var kv in o)
            if (string.Equals(kv.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                value = kv.Value;
                return true;
            }
        value = null;
        return false;
    }
}
