using System.Net.Sockets;
using Telephony.Ami.Protocol;

namespace Telephony.Simulator.Tests;

/// <summary>Faults a client must survive, switched on from the test through <see cref="NodeFaults"/>.</summary>
public sealed class FaultTests
{
    [Fact]
    public async Task When_the_connection_drops_mid_message_the_client_gets_half_a_message_then_the_end()
    {
        await using var sim = await AsteriskSimulator.StartAsync(TestOptions.Fast);
        await using var client = await AmiTestClient.LoginAsync(sim.Port);
        await client.ActionAsync(("Action", "Ping"), ("ActionID", "p"));
        var before = client.Received.Count;

        sim.Node.Faults.DropConnectionsMidMessage();
        await client.Closed.WaitAsync(AmiTestClient.Patience);

        Assert.Equal(before, client.Received.Count); // the half message never became a message
        var record = Assert.Single(sim.Node.Sessions.All);
        Assert.Equal("fault: dropped mid-message", record.CloseReason);
        Assert.NotNull(record.EndedAt);
    }

    [Fact]
    public async Task A_stalled_node_neither_reads_nor_writes_until_the_stall_ends_and_loses_nothing()
    {
        await using var sim = await AsteriskSimulator.StartAsync(TestOptions.Fast);
        await using var client = await AmiTestClient.LoginAsync(sim.Port);

        sim.Node.Faults.BeginStall();
        var call = sim.Node.StartCall("busy")!;
        await call.Completion.WaitAsync(AmiTestClient.Patience);
        var ping = client.SendAsync(("Action", "Ping"), ("ActionID", "during-stall"));
        await Task.Delay(200);
        var seenDuringStall = client.Received.Count;
        var pingsCountedDuringStall = sim.Node.Actions["Ping"];
        sim.Node.Faults.EndStall();
        var pong = await client.ResponseAsync(ping);

        Assert.Equal(4, seenDuringStall); // banner, login response, FullyBooted, SuccessfulAuth
        Assert.Equal(0, pingsCountedDuringStall);
        Assert.Equal("Pong", pong["Ping"]);
        Assert.Contains(client.Received, m => m["EventName"] == "LINKEDID_END");
    }

    [Fact]
    public async Task Garbage_on_the_wire_is_skipped_by_the_parser_and_the_session_goes_on()
    {
        await using var sim = await AsteriskSimulator.StartAsync(TestOptions.Fast);
        await using var client = await AmiTestClient.LoginAsync(sim.Port);

        sim.Node.Faults.WriteGarbage();
        var pong = await client.ActionAsync(("Action", "Ping"), ("ActionID", "after-garbage"));

        Assert.Equal("Pong", pong["Ping"]);
        Assert.Equal(1, client.Parser.MalformedMessages);
    }

    [Fact]
    public async Task A_restart_closes_sessions_refuses_connections_for_a_while_and_comes_back_with_a_new_epoch()
    {
        await using var sim = await AsteriskSimulator.StartAsync(TestOptions.Fast);
        var node = sim.Node;
        await using var before = await AmiTestClient.LoginAsync(sim.Port);
        var firstCall = node.StartCall("answered")!;
        await firstCall.Completion.WaitAsync(AmiTestClient.Patience);
        var oldEpoch = node.Epoch;
        var port = node.Port;

        var restart = node.Faults.RestartAsync(TimeSpan.FromMilliseconds(500));
        var shutdown = await before.NextAsync(m => m.EventName == "Shutdown");
        await before.Closed.WaitAsync(AmiTestClient.Patience);
        var refused = await Assert.ThrowsAsync<SocketException>(async () =>
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync("127.0.0.1", port);
        });
        await restart;

        await using var after = await AmiTestClient.LoginAsync(port);
        var secondCall = node.StartCall("answered")!;
        await secondCall.Completion.WaitAsync(AmiTestClient.Patience);

        Assert.Equal("True", shutdown["Restart"]);
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        Assert.Equal("Asterisk Call Manager/9.0.0", after.Received[0].BannerText);
        Assert.True(node.Epoch > oldEpoch);
        Assert.True(long.Parse(secondCall.Linkedid.Split('.')[0]) > long.Parse(firstCall.Linkedid.Split('.')[0]));
        Assert.EndsWith(".0", secondCall.Linkedid); // counters start again
        Assert.Equal(1, node.Restarts);
        Assert.Equal("restart", node.Sessions.All[0].CloseReason);
        Assert.Equal(1, node.Sessions.MaxConcurrentLoggedIn());
    }

    [Fact]
    public async Task A_restart_in_the_middle_of_a_call_hangs_its_channels_up_with_Cdrs_before_closing()
    {
        await using var sim = await AsteriskSimulator.StartAsync(TestOptions.Fast with { TimeScale = 1 });
        await using var client = await AmiTestClient.LoginAsync(sim.Port);
        sim.Node.StartCall("answered");
        await client.NextAsync(m => m.EventName == "DialEnd");

        await sim.Node.Faults.RestartAsync(TimeSpan.Zero);
        await client.Closed.WaitAsync(AmiTestClient.Patience);

        var tail = client.Received.SkipWhile(m => m.EventName != "DialEnd").ToList();
        Assert.Equal(2, tail.Count(m => m.EventName == "Cdr"));
        Assert.Single(tail, m => m["EventName"] == "LINKEDID_END");
        Assert.Equal("Shutdown", tail.Last(m => m.IsEvent).EventName);
        Assert.Empty(sim.Node.LiveChannels);
    }
}
