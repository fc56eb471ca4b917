using System.Collections.Immutable;
using System.Net;
using System.Text;
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Akka.Management.Cluster.Bootstrap.ContactPoint;
using Newtonsoft.Json;

namespace Telephony.Actors.Hosting.Kubernetes;

/// <summary>
/// Cluster bootstrap's contact point: <c>GET /bootstrap/seed-nodes</c>, which the other pods probe to learn whether
/// this member is in a cluster and who its members are. Akka.Management serves it on its own HTTP server
/// (Akka.Http.Shim on Ceen.Httpd), but Akka.Http.Shim 1.5.73 calls a Ceen.Httpd 0.9.9 method that 0.9.10, the only
/// Ceen.Httpd the registry serves, no longer has (MissingMethodException at start). So this serves the same answer
/// (Akka.Management's own JSON types, Newtonsoft as its prober reads them) with the framework's HttpListener, bound to
/// this member's address only. Read-only and without a token, like Akka.Management's bootstrap route: it tells the
/// member addresses that the Kubernetes API already lists.
/// </summary>
public sealed class BootstrapContactPoint : IAsyncDisposable
{
    public const string Path = "/bootstrap/seed-nodes";

    private readonly HttpListener _listener;
    private readonly Akka.Cluster.Cluster _cluster;
    private readonly int _maxSeedNodes;
    private readonly ILoggingAdapter _log;
    private readonly Task _serving;

    private BootstrapContactPoint(HttpListener listener, ActorSystem system, int maxSeedNodes)
    {
        _listener = listener;
        _cluster = Akka.Cluster.Cluster.Get(system);
        _maxSeedNodes = maxSeedNodes;
        _log = Logging.GetLogger(system, typeof(BootstrapContactPoint));
        _serving = Task.Run(ServeAsync);
    }

    /// <param name="hostname">This member's address (an IP: the pod's), where the other pods probe it.</param>
    public static BootstrapContactPoint Start(ActorSystem system, string hostname, int port, int maxSeedNodes)
    {
        var host = IPAddress.TryParse(hostname, out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? $"[{ip}]" : hostname;
        var listener = new HttpListener();
        listener.Prefixes.Add($"http://{host}:{port}/");
        listener.Start();
        return new BootstrapContactPoint(listener, system, maxSeedNodes);
    }

    /// <summary>The answer Akka.Management's route gives: this member's address and the cluster's reachable members
    /// that are up or joining (none while this member is leaving or gone, so that nobody joins through it).</summary>
    public static HttpBootstrapJsonProtocol.SeedNodes Answer(Member self, ClusterEvent.CurrentClusterState state, int maxSeedNodes)
    {
        if (self.Status is MemberStatus.Down or MemberStatus.Exiting or MemberStatus.Leaving or MemberStatus.Removed)
            return new HttpBootstrapJsonProtocol.SeedNodes(self.Address, ImmutableList<HttpBootstrapJsonProtocol.ClusterMember>.Empty);
        var members = state.Members
            .Where(m => !state.Unreachable.Contains(m))
            .Where(m => m.Status is MemberStatus.Up or MemberStatus.WeaklyUp or MemberStatus.Joining)
            .Take(maxSeedNodes)
            .Select(m => new HttpBootstrapJsonProtocol.ClusterMember(m.Address, m.UniqueAddress.Uid, m.Status, m.Roles))
            .ToImmutableList();
        return new HttpBootstrapJsonProtocol.SeedNodes(self.Address, members);
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return; // stopped
            }
            try
            {
                await RespondAsync(context);
            }
            catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException)
            {
                _log.Debug("bootstrap contact point: answer to {0} not sent ({1})", context.Request.RemoteEndPoint, e.Message);
            }
        }
    }

    private async Task RespondAsync(HttpListenerContext context)
    {
        using var response = context.Response;
        if (context.Request.HttpMethod != "GET" || context.Request.Url?.AbsolutePath != Path)
        {
            response.StatusCode = (int)HttpStatusCode.NotFound;
            return;
        }
        var body = Encoding.UTF8.GetBytes(JsonConvert.SerializeObject(Answer(_cluster.SelfMember, _cluster.State, _maxSeedNodes)));
        response.StatusCode = (int)HttpStatusCode.OK;
        response.ContentType = "application/json";
        response.ContentLength64 = body.Length;
        await response.OutputStream.WriteAsync(body);
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        await _serving;
        _listener.Close();
    }
}
