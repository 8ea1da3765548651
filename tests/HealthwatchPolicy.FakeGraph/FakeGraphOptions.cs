using System;
using System.Collections.Generic;

namespace HealthwatchPolicy.FakeGraph;

/// <summary>Fixed settings of a fake tenant (read at start).</summary>
public sealed class FakeGraphOptions
{
    /// <summary>The tenant id served by <c>GET /organization</c>.</summary>
    public string TenantId { get; init; } = "00000000-0000-4000-8000-00000000f4e1";

    /// <summary>Organisation display name for <c>GET /organization</c> (LoadOrganisation replaces it).</summary>
    public string OrganisationName { get; init; } = "Fake Tenant";

    /// <summary>Page size when the request has no <c>$top</c> (Graph: 100).</summary>
    public int DefaultPageSize { get; init; } = 100;

    /// <summary>Largest page <c>GET /users?$expand=...</c> returns whatever <c>$top</c> says (Graph known issue: 100).</summary>
    public int ExpandedUsersPageCap { get; init; } = 100;

    /// <summary>How many related objects one <c>$expand=members</c>/<c>owners</c> returns (Graph: 20, no nextLink).</summary>
    public int ExpandLimit { get; init; } = 20;

    /// <summary>Largest number of values/OR clauses in one <c>$filter</c> (Graph: 15).</summary>
    public int MaxFilterClauses { get; init; } = 15;

    /// <summary>Groups per page of <c>GET /groups/delta</c>.</summary>
    public int DeltaPageSize { get; init; } = 100;

    /// <summary>Shuffle <c>$batch</c> responses (Graph answers in any order). Deterministic through <see cref="FakeGraphFaults.Seed"/>.</summary>
    public bool ShuffleBatchResponses { get; init; } = true;

    /// <summary>Log ASP.NET Core/Kestrel at Warning and above to the console (off by default: quiet).</summary>
    public bool EnableServerLogging { get; init; }

    /// <summary>The tenant's clock: creation times, and when a new group's <see cref="FakeGraphFaults.ReplicationLag"/>
    /// ends. Tests pass a clock they move; the default is the system clock.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}

/// <summary>An error the fake answers instead of executing a logical request (see <see cref="FakeGraphFaults.InjectedError"/>).</summary>
/// <param name="Status">The HTTP status, e.g. 403.</param>
/// <param name="Code">Graph's <c>error.code</c>, e.g. <c>Authorization_RequestDenied</c>.</param>
/// <param name="Message">Graph's <c>error.message</c>.</param>
/// <param name="Filter">Which logical requests: (method, path-and-query after /v1.0) → answered with this error. Null: all.</param>
/// <param name="RawBody">When set, the answer's body is this text (<c>text/plain</c>) instead of Graph's error JSON, as a
/// gateway in front of Graph may answer; the <c>request-id</c> and <c>client-request-id</c> headers are still sent.</param>
public sealed record FakeGraphInjectedError(int Status, string Code, string Message, Func<string, string, bool>? Filter = null, string? RawBody = null);

/// <summary>Fault injection, changeable at any time while the server runs. All members are thread-safe to set.</summary>
public sealed class FakeGraphFaults
{
    private readonly object _sync = new();
    private Random _random;
    private int _seed;
    private double _throttleRate;
    private IReadOnlyList<int> _throttleStatusCodes = new[] { 429, 503 };

    public FakeGraphFaults(int seed = 12345)
    {
        _seed = seed;
        _random = new Random(seed);
    }

    /// <summary>Added to every HTTP round trip (a <c>$batch</c> counts once).</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>Fraction 0..1 of eligible logical requests answered with a throttling status instead of being executed.</summary>
    public double ThrottleRate
    {
        get => _throttleRate;
        set => _throttleRate = value is < 0 or > 1 ? throw new ArgumentOutOfRangeException(nameof(value), "0..1") : value;
    }

    /// <summary>The next N eligible logical requests are throttled (deterministic; counts down).</summary>
    public int ThrottleNextRequests { get; set; }

    /// <summary>Statuses used in turn for throttled requests. Default 429 (<c>TooManyRequests</c>) then 503 (<c>serviceNotAvailable</c>).</summary>
    public IReadOnlyList<int> ThrottleStatusCodes
    {
        get => _throttleStatusCodes;
        set => _throttleStatusCodes = value is { Count: > 0 } ? value : throw new ArgumentException("At least one status.", nameof(value));
    }

    /// <summary>The integer <c>Retry-After</c> (seconds) on throttled answers; null sends none (the SDK then backs off 3, 6, 12 s).</summary>
    public int? RetryAfterSeconds { get; set; } = 1;

    /// <summary>Which logical requests may be throttled: (method, path-and-query after /v1.0) → eligible. Null: all.</summary>
    public Func<string, string, bool>? ThrottleFilter { get; set; }

    /// <summary>When true, a <c>$batch</c> round trip itself is also subject to throttling (eligible as ("POST", "/$batch")),
    /// so the whole batch is answered 429/503 and the SDK's RetryHandler resends it. Default false: only items are throttled.</summary>
    public bool ThrottleBatchEnvelopes { get; set; }

    /// <summary>Seed of the random source behind <see cref="ThrottleRate"/> and batch shuffling; setting it restarts the sequence.</summary>
    public int Seed
    {
        get => _seed;
        set
        {
            lock (_sync)
            {
                _seed = value;
                _random = new Random(value);
            }
        }
    }

    /// <summary>A group created through <c>POST /groups</c> (or <c>$batch</c>) answers 404 <c>Request_ResourceNotFound</c>
    /// to its first N requests addressed by its id (GET/PATCH/DELETE, members, $ref, extensions).</summary>
    public int ReplicationLagReads { get; set; }

    /// <summary>During the lag window, adding a member answers 400 "The source resource object or one of the objects being
    /// referenced do not exist." (the documented variant) instead of 404.</summary>
    public bool ReplicationLagMemberAddReturns400 { get; set; }

    /// <summary>The app has Mail.Send but not Mail.ReadWrite: creating a draft (<c>POST /users/{id}/messages</c>) answers
    /// 403 <c>ErrorAccessDenied</c> "Access is denied. Check credentials and try again." (docs/decisions/0110).</summary>
    public bool MailDraftsDenied { get; set; }

    /// <summary>Issue 15: the tenant has no Entra ID P1/P2 licence: any request that selects <c>signInActivity</c> answers 403
    /// <c>Authentication_RequestFromNonPremiumTenantOrB2CTenant</c> "Neither tenant is B2C or tenant doesn't have premium
    /// license" (the shape users report: microsoftgraph/microsoft-graph-docs #12772, #14120). False (default): licensed.</summary>
    public bool TenantWithoutPremium { get; set; }

    /// <summary>Issue 15: the app lacks User-LifeCycleInfo.Read.All: selecting <c>employeeLeaveDateTime</c> answers 403
    /// <c>Authorization_RequestDenied</c> "Insufficient privileges to complete the operation." (modelled as the brief asks;
    /// one report says Graph returns null instead: docs/decisions/0173).</summary>
    public bool LifecycleInfoDenied { get; set; }

    /// <summary>Issue 15: the app lacks UserAuthenticationMethod.Read.All: <c>GET /users/{id}/authentication/methods</c>
    /// answers 403 <c>accessDenied</c> "Request Authorization failed".</summary>
    public bool AuthenticationMethodsDenied { get; set; }
    /// <summary>Reading or moving mailbox messages (mailFolders, move) answers 403 ErrorAccessDenied: Mail.ReadWrite not granted for the mailbox.</summary>
    public bool MailboxReadDenied { get; set; }

    /// <summary>Every request is answered 503 <c>serviceNotAvailable</c> with no Retry-After. (Use StopAsync for refused connections.)</summary>
    public bool Unavailable { get; set; }

    /// <summary>A group created through <c>POST /groups</c> (or <c>$batch</c>) is not yet replicated for this long, on the
    /// tenant's clock (<see cref="FakeGraphOptions.TimeProvider"/>): requests by its id answer 404 <c>Request_ResourceNotFound</c>
    /// (a member add the 400 variant when <see cref="ReplicationLagMemberAddReturns400"/>), and lists, <c>$filter</c> and
    /// <c>$count</c> of groups leave it out. Zero (the default): no lag.</summary>
    public TimeSpan ReplicationLag { get; set; }

    /// <summary>When set, requests by a new group's id see it after this long instead of <see cref="ReplicationLag"/>
    /// (reads served by other replicas than lists: a group can be readable by id and still missing from lists).</summary>
    public TimeSpan? ReplicationLagById { get; set; }

    /// <summary>Logical requests answered with this error (Graph's error body, <c>request-id</c> and <c>client-request-id</c>
    /// headers) instead of being executed; $batch items each on their own. Null: none.</summary>
    public FakeGraphInjectedError? InjectedError { get; set; }

    /// <summary>A <c>$batch</c> is answered 200 with a body that has no <c>responses</c> array (a malformed reply).</summary>
    public bool BatchWithoutResponses { get; set; }

    /// <summary>Clears every fault (seed kept, sequence restarted).</summary>
    public void Reset()
    {
        Latency = TimeSpan.Zero;
        ThrottleRate = 0;
        ThrottleNextRequests = 0;
        ThrottleStatusCodes = new[] { 429, 503 };
        RetryAfterSeconds = 1;
        ThrottleFilter = null;
        ThrottleBatchEnvelopes = false;
        ReplicationLagReads = 0;
        ReplicationLagMemberAddReturns400 = false;
        MailDraftsDenied = false;
        TenantWithoutPremium = false;
        LifecycleInfoDenied = false;
        AuthenticationMethodsDenied = false;
        MailboxReadDenied = false;
        Unavailable = false;
        ReplicationLag = TimeSpan.Zero;
        ReplicationLagById = null;
        InjectedError = null;
        BatchWithoutResponses = false;
        Seed = _seed;
    }

    internal double NextDouble()
    {
        lock (_sync)
            return _random.NextDouble();
    }

    internal int NextInt(int maxExclusive)
    {
        lock (_sync)
            return _random.Next(maxExclusive);
    }

    internal bool TakeThrottleNext()
    {
        lock (_sync)
        {
            if (ThrottleNextRequests <= 0)
                return false;
            ThrottleNextRequests--;
            return true;
        }
    }
}
