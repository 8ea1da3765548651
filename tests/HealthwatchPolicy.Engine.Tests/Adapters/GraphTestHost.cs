using System;
using System.IO;
using System.Security;
using HealthwatchPolicy.Engine.Graph;
using HealthwatchPolicy.Engine.Ports;
using HealthwatchPolicy.FakeGraph;

namespace HealthwatchPolicy.Engine.Tests.Adapters;

/// <summary>A loopback fake Graph loaded with an organisation folder, and the real Graph adapter pointed at it.</summary>
internal sealed class GraphTestHost : IDisposable
{
    public const string Token = "hw-test-token-5f1c";

    private GraphTestHost(FakeGraphServer fake, GraphDirectory directory, GraphConnectionOptions options)
    {
        Fake = fake;
        Directory = directory;
        Options = options;
    }

    public FakeGraphServer Fake { get; }
    public GraphDirectory Directory { get; }
    public GraphConnectionOptions Options { get; }

    public static GraphTestHost Start(string organisationFolder)
    {
        FakeGraphServer fake = FakeGraphServer.StartAsync().GetAwaiter().GetResult();
        fake.Faults.RetryAfterSeconds = 0;
        fake.LoadOrganisation(Path.Combine(organisationFolder, "directory.json"));
        GraphConnectionOptions options = MakeOptions(fake.BaseUrl);
        return new GraphTestHost(fake, new GraphDirectory(GraphDirectoryFactory.CreateClient(options), options), options);
    }

    public static GraphConnectionOptions MakeOptions(string baseUrl)
    {
        var token = new SecureString();
        foreach (char c in Token)
            token.AppendChar(c);
        return new GraphConnectionOptions
        {
            TenantId = "00000000-0000-4000-8000-00000000f4e1",
            AccessToken = token,
            GraphEndpoint = new Uri(baseUrl),
            ReplicationRetryDelay = TimeSpan.FromMilliseconds(20),
        };
    }

    public void Dispose() => Fake.DisposeAsync().AsTask().GetAwaiter().GetResult();
}

public sealed class GraphDirectoryContractTests : DirectoryContract
{
    private GraphTestHost? _host;

    protected override IDirectory Create(string organisationFolder) => (_host = GraphTestHost.Start(organisationFolder)).Directory;

    [Fact]
    public void A_name_with_a_quote_is_escaped_in_filters()
    {
        Dir.CreateGroup(new NewGroup("HW-Posting-o'brien", "HW-Posting-obrien", "d"), new System.Text.Json.Nodes.JsonObject { ["extensionName"] = "org.healthwatch.policy.register", ["name"] = "x" });
        Assert.Single(Dir.GetGroups("HW-Posting-o'b"));
        Assert.Contains(_host!.Fake.RequestLog, r => r.PathAndQuery.Contains("o''b", StringComparison.Ordinal) || Uri.UnescapeDataString(r.PathAndQuery).Contains("o''b", StringComparison.Ordinal));
    }

    [Fact]
    public void Replication_lag_after_creating_a_group_is_ridden_out()
    {
        _ = Dir; // start the fake
        _host!.Fake.Faults.ReplicationLagReads = 3;
        DirectoryGroup g = Dir.CreateGroup(new NewGroup("HW-Posting-lag", "HW-Posting-lag", "d"),
            new System.Text.Json.Nodes.JsonObject { ["extensionName"] = "org.healthwatch.policy.register", ["name"] = "lag" });
        Assert.Equal("lag", (string?)_host.Fake.GetExtension(g.Id, "org.healthwatch.policy.register")?["name"]);
    }

    [Fact]
    public void Graph_errors_keep_the_request_id()
    {
        var ex = Assert.Throws<GraphRequestException>(() => Dir.AddMember("no-such-group", "u-emma"));
        Assert.Equal("GroupNotFound", ex.ErrorId);
        Assert.False(string.IsNullOrEmpty(ex.RequestId));
        Assert.Contains(ex.RequestId!, ex.Message);
    }

    public override void Dispose()
    {
        _host?.Dispose();
        base.Dispose();
    }
}

public sealed class GraphSessionContractTests : HealthwatchPolicy.Engine.Tests.Access.SessionContract
{
    private GraphTestHost? _host;

    protected override IDirectory CreateDirectory(string organisationFolder) => (_host = GraphTestHost.Start(organisationFolder)).Directory;

    public override void Dispose()
    {
        _host?.Dispose();
        base.Dispose();
    }
}
