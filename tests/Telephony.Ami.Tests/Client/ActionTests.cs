using Telephony.Ami.Actions;
using Telephony.Ami.Client;
using Telephony.Ami.Events;
using Telephony.Ami.Protocol;
using static Telephony.Ami.Tests.Client.ClientTestKit;

namespace Telephony.Ami.Tests.Client;

/// <summary>Actions and their answers, matched by ActionID, replayed from the real captures.</summary>
public class ActionTests
{
    [Fact]
    public async Task Each_action_gets_a_unique_string_ActionID_and_its_own_answer_even_out_of_order()
    {
        await using var peer = new ScriptedAmiPeer();
        var held = new List<AmiMessage>();
        peer.Handlers["Ping"] = async (c, a) =>
        {
            held.Add(a);
            if (held.Count < 3) return;
            // Answer in reverse order: only the ActionID says which answer is whose.
            foreach (var p in Enumerable.Reverse(held))
                await c.RespondAsync(p, ("Response", "Success"), ("Ping", "Pong"), ("Timestamp", p.ActionId!));
        };
        await using var client = await ConnectedClientAsync(peer);

        var pings = Enumerable.Range(0, 3).Select(_ => client.PingAsync()).ToArray();
        var answers = await Task.WhenAll(pings).WaitAsync(Patience);

        var ids = held.Select(a => a.ActionId!).ToArray();
        Assert.Equal(3, ids.Distinct().Count());
        Assert.All(ids, id => Assert.StartsWith("ta-", id));
        Assert.Equal(ids, answers.Select(a => a.ActionId));
        Assert.Equal(ids, answers.Select(a => a["Timestamp"]));
    }

    [Fact]
    public async Task Permission_denied_comes_back_as_an_error_response_and_EnsureSuccess_makes_it_a_typed_error()
    {
        await using var peer = new ScriptedAmiPeer();
        peer.Handlers["Originate"] = (c, a) => c.RespondAsync(a, ("Response", "Error"), ("Message", "Permission denied"));
        await using var client = await ConnectedClientAsync(peer);
        var originate = AmiActions.Originate("Local/answer@test", "hold", "s");

        var response = await client.SendActionAsync(originate);

        Assert.False(response.IsSuccess);
        Assert.Equal("Permission denied", response.MessageText);
        var error = await Assert.ThrowsAsync<AmiActionFailedException>(() => client.SendActionAsync(originate).EnsureSuccess("Originate"));
        Assert.Contains("Permission denied", error.Message);
        await Assert.ThrowsAsync<AmiActionFailedException>(() => client.OriginateAsync(originate));
    }

    [Fact]
    public async Task An_unknown_action_is_an_error_response_followed_by_a_RequestBadFormat_event()
    {
        await using var peer = new ScriptedAmiPeer();
        peer.Handlers["NoSuchAction"] = (c, a) =>
            c.SendRawAsync(CaptureReplay.AnswerBytes("unknown-action.ami", "unk-1", a.ActionId!)
                .Concat(CaptureReplay.EventBytes("unknown-action.ami", m => m.EventName == "RequestBadFormat")).ToArray());
        await using var client = await ConnectedClientAsync(peer);

        var response = await client.SendActionAsync(new AmiAction("NoSuchAction"));

        Assert.Equal("Error", response.ResponseStatus);
        Assert.StartsWith("Invalid/unknown command: NoSuchAction.", response.MessageText);
        var events = await client.ReadEventsAsync(1);
        Assert.Equal("RequestBadFormat", events[0].EventName);
        Assert.Equal("Action: NoSuchAction", events[0]["RequestType"]);
    }

    [Fact]
    public async Task CoreShowChannels_returns_its_items_in_order_and_the_completion_event()
    {
        await using var peer = new ScriptedAmiPeer();
        peer.Handlers["CoreShowChannels"] = (c, a) => c.ReplayAnswerAsync("status-during-queue-call.ami", "csc-live", a);
        await using var client = await ConnectedClientAsync(peer);

        var list = await client.SendListActionAsync(AmiActions.CoreShowChannels());
        var items = await list.ToListAsync();
        var complete = await list.Completion;

        Assert.Equal("start", list.Response["EventList"]);
        Assert.Equal(6, items.Count);
        Assert.All(items, i => Assert.Equal("CoreShowChannel", i.EventName));
        Assert.Equal("Local/agent1@agents-00000012;1", items[0]["Channel"]);
        Assert.Equal("CoreShowChannelsComplete", complete.EventName);
        Assert.Equal("6", complete["ListItems"]);
        Assert.Equal(0, client.Events.Count); // list items are the action's, not ordinary events
    }

    [Fact]
    public async Task An_empty_list_completes_with_no_items_as_in_the_idle_capture()
    {
        await using var peer = new ScriptedAmiPeer();
        peer.Handlers["CoreShowChannels"] = (c, a) => c.ReplayAnswerAsync("coreshowchannels-idle.ami", "csc-1", a);
        await using var client = await ConnectedClientAsync(peer);

        var list = await client.SendListActionAsync(AmiActions.CoreShowChannels());

        Assert.Empty(await list.ToListAsync());
        Assert.Equal("0", (await list.Completion)["ListItems"]);
    }

    [Fact]
    public async Task QueueStatus_items_stream_through_IAsyncEnumerable()
    {
        await using var peer = new ScriptedAmiPeer();
        peer.Handlers["QueueStatus"] = (c, a) => c.ReplayAnswerAsync("status-during-queue-call.ami", "qs-live", a);
        await using var client = await ConnectedClientAsync(peer);

        var names = new List<string>();
        await foreach (var item in await client.SendListActionAsync(AmiActions.QueueStatus()))
            names.Add(item.EventName!);

        Assert.Equal("QueueParams", names[0]);
        Assert.Contains("QueueMember", names);
        Assert.Contains("QueueEntry", names);
    }

    [Fact]
    public async Task Command_output_comes_back_as_lines_from_Output_headers()
    {
        await using var peer = new ScriptedAmiPeer();
        peer.Handlers["Command"] = (c, a) => c.ReplayAnswerAsync("command-core-show-version.ami", "cmd-1", a);
        await using var client = await ConnectedClientAsync(peer);

        var lines = await client.CommandAsync("core show version");

        Assert.Equal(["Asterisk 20.20.1 built by root @ vm on a x86_64 running Linux on 2026-11-22 22:27:17 UTC"], lines);
        Assert.Equal("core show version", peer.Connections[0].Received[^1]["Command"]);
    }

    [Fact]
    public async Task Command_output_in_the_legacy_Follows_format_comes_back_as_the_same_lines()
    {
        await using var peer = new ScriptedAmiPeer();
        peer.Handlers["Command"] = (c, a) => c.SendRawAsync(
            "Response: Follows\r\nPrivilege: Command\r\n" + $"ActionID: {a.ActionId}\r\n" +
            "Name/username             Host                                    Dyn Forcerport Comedia    ACL Port     Status\r\n" +
            "1 sip peers [Monitored: 0 online, 0 offline Unmonitored: 0 online, 0 offline]\r\n" +
            "--END COMMAND--\r\n\r\n", chunk: 7);
        await using var client = await ConnectedClientAsync(peer);

        var lines = await client.CommandAsync("sip show peers");

        Assert.Equal(2, lines.Count);
        Assert.StartsWith("Name/username", lines[0]);
        Assert.StartsWith("1 sip peers", lines[1]);
    }

    [Fact]
    public async Task A_bad_CLI_command_is_a_typed_error_that_still_carries_the_output()
    {
        await using var peer = new ScriptedAmiPeer();
        peer.Handlers["Command"] = (c, a) => c.ReplayAnswerAsync("command-bad.ami", "cmd-2", a);
        await using var client = await ConnectedClientAsync(peer);

        var error = await Assert.ThrowsAsync<AmiActionFailedException>(() => client.CommandAsync("no such cli command"));

        Assert.Contains("No such command 'no such cli command'", error.Message);
        Assert.Single(error.Response.OutputLines);
    }

    [Fact]
    public async Task An_unanswered_action_times_out_with_a_typed_error_and_its_late_answer_is_ignored()
    {
        await using var peer = new ScriptedAmiPeer();
        AmiMessage? unanswered = null;
        peer.Handlers["Status"] = (_, a) => { unanswered = a; return Task.CompletedTask; };
        await using var client = await ConnectedClientAsync(peer);

        var error = await Assert.ThrowsAsync<AmiActionTimeoutException>(
            () => client.SendActionAsync(AmiActions.Status(), TimeSpan.FromMilliseconds(150)));

        Assert.Equal("Status", error.Action);
        Assert.Equal(unanswered!.ActionId, error.ActionId);
        Assert.Equal(1, client.Counters.ActionTimeouts);
        await peer.Connections[0].RespondAsync(unanswered, ("Response", "Success"), ("Message", "late"));
        Assert.True((await client.PingAsync()).IsSuccess); // the connection is fine
    }

    [Fact]
    public async Task A_cancelled_action_stops_waiting_at_once()
    {
        await using var peer = new ScriptedAmiPeer();
        var received = new TaskCompletionSource();
        peer.Handlers["Status"] = (_, _) => { received.TrySetResult(); return Task.CompletedTask; };
        await using var client = await ConnectedClientAsync(peer);
        using var cts = new CancellationTokenSource();

        var waiting = client.SendActionAsync(AmiActions.Status(), TimeSpan.FromMinutes(1), cts.Token);
        await received.Task.WaitAsync(Patience);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.SendActionAsync(AmiActions.Ping(), cts.Token));
        Assert.Equal(0, client.Counters.ActionTimeouts);
    }

    [Fact]
    public async Task Pending_actions_fail_with_a_typed_error_when_the_connection_drops()
    {
        await using var peer = new ScriptedAmiPeer();
        peer.Handlers["Status"] = (c, _) => { c.Close(); return Task.CompletedTask; };
        await using var client = await ConnectedClientAsync(peer);

        var error = await Assert.ThrowsAsync<AmiConnectionLostException>(() => client.SendActionAsync(AmiActions.Status()));

        Assert.NotNull(error.ActionId);
        Assert.Equal(1, client.Counters.ActionsFailedByDisconnect);
    }

    [Fact]
    public async Task An_async_Originate_returns_the_queued_answer_and_then_its_OriginateResponse_event()
    {
        await using var peer = new ScriptedAmiPeer();
        peer.Handlers["Originate"] = async (c, a) =>
        {
            await c.RespondAsync(a, ("Response", "Success"), ("Message", "Originate successfully queued"));
            await c.SendRawAsync(CaptureReplay.AnswerBytes("answered.ami", "answered-orig-1", a.ActionId!));
        };
        await using var client = await ConnectedClientAsync(peer);

        var result = await client.OriginateAsync(AmiActions.Originate("Local/answer@test", "hold", "s",
            callerId: "\"AMI Probe\" <5551000>", timeout: TimeSpan.FromSeconds(10),
            variables: [new("PROBE_SCENARIO", "answered")], channelId: "call-1"));
        var outcome = await result.Outcome.WaitAsync(Patience);

        Assert.Equal("Originate successfully queued", result.Response.MessageText);
        Assert.Equal(result.ActionId, outcome.ActionId);
        Assert.Equal(OriginateOutcome.Answered, outcome.Outcome);
        Assert.Equal("1795386676.0", outcome.UniqueId);
        var sent = peer.Connections[0].Received[^1];
        Assert.Equal("true", sent["Async"]);
        Assert.Equal("PROBE_SCENARIO=answered", sent["Variable"]);
        Assert.Equal("call-1", sent["ChannelId"]);
        var evt = (await client.ReadEventsAsync(1))[0]; // the event is also an ordinary event
        Assert.Equal("OriginateResponse", evt.EventName);
    }

    [Fact]
    public async Task A_busy_Originate_reports_its_failure_through_the_outcome()
    {
        await using var peer = new ScriptedAmiPeer();
        peer.Handlers["Originate"] = async (c, a) =>
        {
            await c.RespondAsync(a, ("Response", "Success"), ("Message", "Originate successfully queued"));
            await c.SendRawAsync(CaptureReplay.AnswerBytes("busy.ami", "busy-orig-1", a.ActionId!));
        };
        await using var client = await ConnectedClientAsync(peer);

        var result = await client.OriginateAsync(AmiActions.Originate("Local/busy@test", "hold", "s"));
        var outcome = await result.Outcome.WaitAsync(Patience);

        Assert.False(outcome.IsSuccess);
        Assert.Equal(OriginateOutcome.Busy, outcome.Outcome);
        Assert.Null(outcome.UniqueId); // <unknown>
    }

    [Fact]
    public async Task A_header_injection_is_rejected_and_nothing_is_written()
    {
        await using var peer = new ScriptedAmiPeer();
        await using var client = await ConnectedClientAsync(peer);
        const string evil = "x\r\nAction: Command\r\nCommand: core stop now";

        var error = Assert.Throws<AmiHeaderInjectionException>(() => new AmiAction("Originate").Add("CallerID", evil));
        Assert.Throws<AmiHeaderInjectionException>(() => AmiActions.Originate("Local/1@test", "hold", "s", callerId: evil));
        Assert.Throws<AmiHeaderInjectionException>(() => new AmiAction("Setvar").AddVariable("A", "1\nAction: Command"));
        Assert.Throws<AmiHeaderInjectionException>(() => new AmiAction("Originate").Add("Caller\r\nID", "x"));
        Assert.Throws<AmiHeaderInjectionException>(() => AmiActions.Command("core show version\r\n\r\nAction: Command"));
        Assert.Contains("carriage return", error.Message);

        Assert.True((await client.PingAsync()).IsSuccess);
        Assert.Equal(["Login", "Ping"], peer.Connections[0].ReceivedActionNames);
    }

    [Fact]
    public async Task Without_a_connection_an_action_is_refused_with_a_typed_error()
    {
        await using var peer = new ScriptedAmiPeer();
        await using var client = new AmiClient(Options(peer));

        await Assert.ThrowsAsync<AmiNotConnectedException>(() => client.PingAsync());
        Assert.Empty(peer.Connections);
    }
}
