using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using HealthwatchPolicy.FakeGraph;

namespace HealthwatchPolicy.FakeGraph.Host;

/// <summary>
/// The fake Graph as a child process for the Pester suite. Prints one line <c>READY &lt;BaseUrl&gt;</c>, then answers
/// one line per command line read from stdin:
/// <list type="bullet">
/// <item><c>load &lt;directory.json&gt;</c> → replaces the tenant (LoadOrganisation); <c>OK</c></item>
/// <item><c>auth</c> → the distinct Authorization headers seen so far, as a JSON array</item>
/// <item><c>mail</c> → the mail accepted by sendMail, as a JSON array</item>
/// <item><c>count</c> → HTTP round trips so far</item>
/// <item><c>snapshot</c> → the tenant in the directory.json shape (SnapshotOrganisation), as one JSON line</item>
/// <item><c>faults {"ThrottleRate":0.2,"Latency":50,"RetryAfterSeconds":0,"Unavailable":true,"ReplicationLagSeconds":1.5}</c> → sets those faults
///   (also <c>TenantWithoutPremium</c>, <c>LifecycleInfoDenied</c>, <c>AuthenticationMethodsDenied</c>: issue 15's licence and permission answers)
///   (members left out keep their value; <c>faults reset</c> clears them all); <c>OK</c></item>
/// <item><c>reset</c> → zeroes the counters and the request/authorization history; <c>OK</c></item>
/// <item><c>signin</c> → starts a loopback sign-in server (FakeSignInServer) if none runs, and answers
///   <c>{"IdentityEndpoint":…,"IdentityHeader":…}</c> for the managed-identity environment variables</item>
/// <item><c>signins</c> → <c>{"Requests":[{Method,Host,Path,Query,Status}],"Tokens":[…]}</c>: what the sign-in server answered and issued</item>
/// <item><c>site &lt;hostname&gt; &lt;path&gt;</c> → adds a SharePoint site with a default library (AddSite); answers its id</item>
/// <item><c>file &lt;site id&gt; &lt;library&gt; &lt;path&gt;</c> → that file's text as one JSON string, or <c>null</c></item>
/// <item><c>quit</c> or end of stdin → stops, exit code 0</item>
/// </list>
/// A failing command answers <c>ERR &lt;message&gt;</c> on one line; the process keeps serving.
/// </summary>
public static class Program
{
    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = false };

    public static async Task<int> Main()
    {
        await using FakeGraphServer fake = await FakeGraphServer.StartAsync().ConfigureAwait(false);
        // Only commands answer on stdout: one line each.
        TextWriter stdout = Console.Out;
        stdout.WriteLine($"READY {fake.BaseUrl}");
        stdout.Flush();
        // Authorization headers seen so far, distinct, in order of first sight (the fake itself keeps only the last 100).
        var seen = new System.Collections.Generic.List<string>();
        int seenUpTo = 0;
        FakeSignInServer? signIn = null;

        string? line;
        while ((line = await Console.In.ReadLineAsync().ConfigureAwait(false)) is not null)
        {
            line = line.Trim();
            if (line.Length == 0)
                continue;
            int space = line.IndexOf(' ', StringComparison.Ordinal);
            string command = (space < 0 ? line : line.Substring(0, space)).ToLowerInvariant();
            string argument = space < 0 ? "" : line.Substring(space + 1).Trim();
            string answer;
            try
            {
                switch (command)
                {
                    case "quit":
                    case "exit":
                        stdout.WriteLine("OK");
                        stdout.Flush();
                        if (signIn is not null)
                            await signIn.DisposeAsync().ConfigureAwait(false);
                        return 0;
                    case "site":
                    {
                        string[] parts = argument.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                        if (parts.Length != 2)
                            throw new ArgumentException("site needs a hostname and a server-relative path.");
                        answer = fake.AddSite(parts[0], parts[1]);
                        break;
                    }
                    case "delete":
                    {
                        // delete <site id> <library> <path>: a file removed as someone outside the module would (tampering tests).
                        string[] parts = argument.Split(' ', 3, StringSplitOptions.RemoveEmptyEntries);
                        if (parts.Length != 3)
                            throw new ArgumentException("delete needs a site id, a library and a path.");
                        answer = fake.DeleteFile(parts[0], parts[1], parts[2]) ? "OK" : "null";
                        break;
                    }
                    case "group":
                    {
                        // group <id> <display name>: a group with that id (once; again is a no-op), for a test's own use.
                        string[] parts = argument.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
                        if (parts.Length != 2)
                            throw new ArgumentException("group needs an id and a display name.");
                        if (fake.GetGroup(parts[0]) is null)
                            fake.AddGroup(new FakeGroup { Id = parts[0], DisplayName = parts[1] });
                        answer = parts[0];
                        break;
                    }
                    case "file":
                    {
                        string[] parts = argument.Split(' ', 3, StringSplitOptions.RemoveEmptyEntries);
                        if (parts.Length != 3)
                            throw new ArgumentException("file needs a site id, a library and a path.");
                        byte[]? bytes = fake.GetFile(parts[0], parts[1], parts[2]);
                        answer = bytes is null ? "null" : JsonSerializer.Serialize(System.Text.Encoding.UTF8.GetString(bytes), s_json);
                        break;
                    }
                    case "load":
                        if (argument.Length == 0)
                            throw new ArgumentException("load needs the path of a directory.json.");
                        fake.LoadOrganisation(argument.Trim('"', '\''));
                        answer = "OK";
                        break;
                    case "auth":
                        var log = fake.RequestLog;
                        foreach (string? a in log.Skip(seenUpTo).Select(e => e.Authorization))
                            if (a is not null && !seen.Contains(a, StringComparer.Ordinal))
                                seen.Add(a);
                        seenUpTo = log.Count;
                        foreach (string? a in fake.LastAuthorizationHeaders)
                            if (a is not null && !seen.Contains(a, StringComparer.Ordinal))
                                seen.Add(a);
                        answer = JsonSerializer.Serialize(seen, s_json);
                        break;
                    case "inbox":
                    {
                        // inbox <mailbox> <path of an .eml>: the message arrives in that mailbox's inbox now (docs/decisions/0200)
                        string[] parts = argument.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
                        if (parts.Length != 2)
                            throw new ArgumentException("inbox needs a mailbox and the path of an .eml file.");
                        answer = fake.DeliverToInbox(parts[0], MimeKit.MimeMessage.Load(parts[1].Trim('"', '\'')), DateTimeOffset.UtcNow);
                        break;
                    }
                    case "mail":
                        answer = JsonSerializer.Serialize(fake.SentMail, s_json);
                        break;
                    case "snapshot":
                        answer = fake.SnapshotOrganisation().ToJsonString();
                        break;
                    case "count":
                        answer = fake.HttpRequestCount.ToString(System.Globalization.CultureInfo.InvariantCulture);
                        break;
                    case "reset":
                        fake.ResetCounters();
                        seen.Clear();
                        seenUpTo = 0;
                        answer = "OK";
                        break;
                    case "faults":
                        SetFaults(fake.Faults, argument);
                        answer = "OK";
                        break;
                    case "signin":
                        signIn ??= await FakeSignInServer.StartAsync().ConfigureAwait(false);
                        answer = JsonSerializer.Serialize(new { IdentityEndpoint = signIn.ManagedIdentityEndpoint, signIn.IdentityHeader }, s_json);
                        break;
                    case "signins":
                        answer = signIn is null ? "{\"Requests\":[],\"Tokens\":[]}" : JsonSerializer.Serialize(new
                        {
                            Requests = signIn.Requests.Select(r => new { r.Method, r.Host, r.Path, r.Query, r.Status }),
                            Tokens = signIn.IssuedTokens,
                        }, s_json);
                        break;
                    default:
                        throw new ArgumentException($"Unknown command '{command}' (load, auth, mail, inbox, count, snapshot, faults, reset, signin, signins, quit).");
                }
            }
#pragma warning disable CA1031 // every failure is an answer; the process keeps serving
            catch (Exception ex)
#pragma warning restore CA1031
            {
                answer = "ERR " + ex.Message.Replace('\r', ' ').Replace('\n', ' ');
            }
            stdout.WriteLine(answer);
            stdout.Flush();
        }
        return 0;
    }

    private static void SetFaults(FakeGraphFaults faults, string argument)
    {
        if (argument.Equals("reset", StringComparison.OrdinalIgnoreCase))
        {
            faults.Reset();
            return;
        }
        if (JsonNode.Parse(argument) is not JsonObject o)
            throw new ArgumentException("faults needs a JSON object, e.g. {\"Unavailable\":true}.");
        foreach (var (key, value) in o)
        {
            switch (key.ToLowerInvariant())
            {
                case "throttlerate":
                    faults.ThrottleRate = value!.GetValue<double>();
                    break;
                case "throttlepath":
                    // Every request whose path contains this text is throttled, for ever (one tenant of many that never
                    // recovers); other requests are untouched.
                    string fragment = value!.GetValue<string>();
                    faults.ThrottleRate = 1;
                    faults.ThrottleFilter = (_, path) => path.Contains(fragment, StringComparison.OrdinalIgnoreCase);
                    break;
                case "throttlenextrequests":
                    faults.ThrottleNextRequests = value!.GetValue<int>();
                    break;
                case "latency":
                    faults.Latency = TimeSpan.FromMilliseconds(value!.GetValue<double>());
                    break;
                case "retryafterseconds":
                    faults.RetryAfterSeconds = value is null ? null : value.GetValue<int>();
                    break;
                case "unavailable":
                    faults.Unavailable = value!.GetValue<bool>();
                    break;
                case "replicationlagreads":
                    faults.ReplicationLagReads = value!.GetValue<int>();
                    break;
                case "replicationlagseconds":
                    faults.ReplicationLag = TimeSpan.FromSeconds(value!.GetValue<double>());
                    break;
                case "replicationlagbyidseconds":
                    faults.ReplicationLagById = TimeSpan.FromSeconds(value!.GetValue<double>());
                    break;
                case "batchwithoutresponses":
                    faults.BatchWithoutResponses = value!.GetValue<bool>();
                    break;
                case "tenantwithoutpremium":
                    faults.TenantWithoutPremium = value!.GetValue<bool>();
                    break;
                case "lifecycleinfodenied":
                    faults.LifecycleInfoDenied = value!.GetValue<bool>();
                    break;
                case "authenticationmethodsdenied":
                    faults.AuthenticationMethodsDenied = value!.GetValue<bool>();
                    break;
                default:
                    throw new ArgumentException($"Unknown fault '{key}' (ThrottleRate, ThrottleNextRequests, Latency, RetryAfterSeconds, Unavailable, ReplicationLagReads, ReplicationLagSeconds, ReplicationLagByIdSeconds, BatchWithoutResponses).");
            }
        }
    }
}
