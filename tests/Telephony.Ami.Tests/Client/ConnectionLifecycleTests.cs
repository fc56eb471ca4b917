using Telephony.Ami.Actions;
using Telephony.Ami.Client;
using static Telephony.Ami.Tests.Client.ClientTestKit;

namespace Telephony.Ami.Tests.Client;

/// <summary>Keepalive, dead peers, reconnects: the connection stays up and the owner is told what happened.</summary>
public class ConnectionLifecycleTests
{
    [Fact]
    public async Task An_idle_connection_is_pinged()
    {
        await using var peer = new ScriptedAmiPeer();
        await using var client = await ConnectedClientAsync(peer, Options(peer) with { KeepAliveInterval = TimeSpan.FromMilliseconds(100) });

        await EventuallyAsync(() => peer.Connections[0].ReceivedActionNames.Count(n => n == "Ping") >= 2, "two keepalive pings");

        Assert.True(client.Counters.KeepAlivesSent >= 2);
        Assert.Equal("Login", peer.Connections[0].Received[0]["Action"]);
        Assert.Equal(AmiConnectionState.Connected, client.State);
    }

    [Fact]
    public async Task A_peer_that_stops_answering_is_detected_dead_and_the_client_reconnects()
    {
        await using var peer = new ScriptedAmiPeer();
        peer.AfterLogin = c => c.Number == 1 ? c.IgnoreEverythingAsync() : Task.CompletedTask; // connection 1 goes silent
        var options = Options(peer) with
        {
            KeepAliveInterval = TimeSpan.FromMilliseconds(100),
            KeepAliveTimeout = TimeSpan.FromMilliseconds(200),
        };
        await using var client = await ConnectedClientAsync(peer, options);

        var seen = new List<AmiConnectionNotification>();
        var reconnected = await client.Notifications.WaitForAsync<AmiReconnected>(seen);

        var disconnected = Assert.Single(seen.OfType<AmiDisconnected>());
        Assert.Contains("dead peer", disconnected.Reason);
        Assert.Equal(1, disconnected.Session);
        Assert.Equal(2, reconnected.Session);
        Assert.Equal(1, client.Counters.DeadPeersDetected);
        Assert.Equal(1, client.Counters.Reconnects);
        Assert.True((await client.PingAsync()).IsSuccess);
    }

    [Fact]
    public async Task A_peer_that_stops_reading_stalls_the_writer_and_is_detected_dead()
    {
        await using var peer = new ScriptedAmiPeer();
        peer.AfterLogin = c => c.Number == 1 ? Task.Delay(TimeSpan.FromSeconds(10)) : Task.CompletedTask; // reads nothing
        var options = Options(peer) with { WriteTimeout = TimeSpan.FromMilliseconds(300), ActionTimeout = TimeSpan.FromSeconds(5) };
        await using var client = await ConnectedClientAsync(peer, options);
        var big = new string('x', 60_000);

        // Far more than the socket buffers hold: the writes back up until the write timeout calls the peer dead.
        var actions = new List<Task<Telephony.Ami.Protocol.AmiMessage>>();
        try
        {
            for (var i = 0; i < 400; i++) actions.Add(client.SendActionAsync(AmiActions.UserEvent("fill", [new("Payload", big)])));
        }
        catch (AmiNotConnectedException)
        {
            // the stall was detected while we were still queueing
        }
        var seen = new List<AmiConnectionNotification>();
        await client.Notifications.WaitForAsync<AmiReconnected>(seen);

        var disconnected = Assert.Single(seen.OfType<AmiDisconnected>());
        Assert.Contains("write did not complete", disconnected.Reason);
        Assert.Equal(1, client.Counters.DeadPeersDetected);
        await Assert.ThrowsAsync<AmiConnectionLostException>(() => actions[0]); // later ones may have gone to the new connection
        Assert.True((await client.PingAsync()).IsSuccess);
    }

    [Fact]
    public async Task After_an_Asterisk_restart_the_client_backs_off_reconnects_and_logs_in_before_anything_else()
    {
        await using var peer = new ScriptedAmiPeer();
        var options = Options(peer, AmiAuthType.Md5) with { KeepAliveInterval = TimeSpan.FromMilliseconds(50) };
        await using var client = await ConnectedClientAsync(peer, options);
        var seen = new List<AmiConnectionNotification>();

        await peer.StopAsync();
        await client.Notifications.WaitForAsync<AmiDisconnected>(seen);
        var failed = await client.Notifications.WaitForAsync<AmiConnectAttemptFailed>(seen, f => f.Attempt >= 3);
        Assert.Equal(AmiConnectionState.Reconnecting, client.State);
        await Assert.ThrowsAsync<AmiNotConnectedException>(() => client.PingAsync());
        peer.Restart();
        var reconnected = await client.Notifications.WaitForAsync<AmiReconnected>(seen);
        await EventuallyAsync(() => peer.Connections.Count >= 2 && peer.Connections[^1].Received.Any(m => m["Action"] == "Ping"),
            "a keepalive on the new connection");

        Assert.True(reconnected.Attempts > failed.Attempt);
        Assert.True(reconnected.Downtime > TimeSpan.Zero);
        Assert.All(peer.Connections, c => Assert.Equal(["Challenge", "Login"], c.ReceivedActionNames.Take(2)));
        Assert.Equal(1, client.Counters.Reconnects);
        Assert.True(client.Counters.ConnectFailures >= 3);
        Assert.True((await client.PingAsync()).IsSuccess);
    }

    [Fact]
    public async Task A_connection_refused_at_start_is_retried_until_Asterisk_comes_up()
    {
        var peer = new ScriptedAmiPeer();
        await peer.StopAsync();
        await using var client = new AmiClient(Options(peer));

        client.Start();
        await client.Notifications.WaitForAsync<AmiConnectAttemptFailed>(match: f => f.Attempt >= 2);
        peer.Restart();
        var connected = await client.Notifications.WaitForAsync<AmiConnected>();

        Assert.Equal(AmiConnectionState.Connected, client.State);
        Assert.True(connected.Session >= 3);
        await peer.DisposeAsync();
    }

    [Fact]
    public async Task With_reconnect_disabled_a_lost_connection_stops_the_client()
    {
        await using var peer = new ScriptedAmiPeer();
        await using var client = await ConnectedClientAsync(peer, Options(peer) with { Reconnect = new AmiReconnectPolicy { Enabled = false } });

        peer.Connections[0].Close();

        await client.Notifications.WaitForAsync<AmiStopped>();
        Assert.Equal(AmiConnectionState.Stopped, client.State);
        Assert.Single(peer.Connections);
    }

    [Fact]
    public async Task Stopping_logs_off_and_completes_the_streams()
    {
        await using var peer = new ScriptedAmiPeer();
        var client = await ConnectedClientAsync(peer);

        await client.StopAsync();

        Assert.Equal(["Login", "Logoff"], peer.Connections[0].ReceivedActionNames);
        Assert.Equal(AmiConnectionState.Stopped, client.State);
        await client.Events.Completion.WaitAsync(Patience);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.PingAsync());
        Assert.Single(peer.Connections);
    }

    [Fact]
    public void The_backoff_grows_exponentially_with_jitter_and_stays_under_the_cap()
    {
        var policy = new AmiReconnectPolicy
        {
            InitialDelay = TimeSpan.FromMilliseconds(100),
            MaxDelay = TimeSpan.FromSeconds(5),
            Jitter = 0.5,
        };
        var random = new Random(42);

        var delays = Enumerable.Range(0, 1000).Select(a => policy.DelayFor(a, random).TotalMilliseconds).ToArray();

        for (var a = 0; a < 10; a++)
        {
            var ceiling = Math.Min(5000, 100 * Math.Pow(2, a));
            Assert.InRange(delays[a], ceiling / 2, ceiling);
        }
        Assert.All(delays.Skip(10), d => Assert.InRange(d, 2500, 5000)); // forever, never giving up, never past the cap
        Assert.True(delays.Skip(10).Distinct().Count() > 10); // jittered: clients do not reconnect in lockstep
    }
}
