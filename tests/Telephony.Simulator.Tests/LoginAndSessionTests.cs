using System.Security.Cryptography;
using System.Text;
using Telephony.Ami.Protocol;

namespace Telephony.Simulator.Tests;

public sealed class LoginAndSessionTests
{
    [Fact]
    public async Task MD5_login_answers_the_challenge_with_md5_of_challenge_and_secret()
    {
        await using var sim = await AsteriskSimulator.StartAsync(TestOptions.Fast);
        await using var client = await AmiTestClient.ConnectAsync(sim.Port);

        var challenge = await client.ActionAsync(("Action", "Challenge"), ("AuthType", "MD5"), ("ActionID", "c1"));
        Assert.Equal("Success", challenge.ResponseStatus);
        Assert.Matches(@"^\d+$", challenge["Challenge"]!);
        var key = Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(challenge["Challenge"] + "probe")));
        var login = await client.ActionAsync(("Action", "Login"), ("AuthType", "MD5"), ("Username", "probe"),
            ("Key", key), ("ActionID", "l1"));

        Assert.Equal("Authentication accepted", login.MessageText);
        Assert.Equal("probe", Assert.Single(sim.Node.Sessions.LoggedIn).Username);
    }

    [Fact]
    public async Task MD5_login_with_a_wrong_key_fails_and_closes_the_connection()
    {
        await using var sim = await AsteriskSimulator.StartAsync(TestOptions.Fast);
        await using var client = await AmiTestClient.ConnectAsync(sim.Port);
        await client.ActionAsync(("Action", "Challenge"), ("AuthType", "MD5"), ("ActionID", "c1"));

        var login = await client.ActionAsync(("Action", "Login"), ("AuthType", "MD5"), ("Username", "probe"),
            ("Key", new string('0', 32)), ("ActionID", "l1"));

        Assert.Equal("Authentication failed", login.MessageText);
        await client.Closed.WaitAsync(AmiTestClient.Patience);
        Assert.Equal("authentication failed", Assert.Single(sim.Node.Sessions.All).CloseReason);
    }

    [Fact]
    public async Task An_action_before_login_is_denied_and_the_connection_stays_usable()
    {
        await using var sim = await AsteriskSimulator.StartAsync(TestOptions.Fast);
        await using var client = await AmiTestClient.ConnectAsync(sim.Port);

        var denied = await client.ActionAsync(("Action", "Originate"), ("Channel", "Local/answer@test"), ("ActionID", "o1"));
        var login = await client.ActionAsync(("Action", "Login"), ("Username", "probe"), ("Secret", "probe"), ("ActionID", "l1"));

        Assert.Equal("Permission denied", denied.MessageText);
        Assert.Equal("Success", login.ResponseStatus);
        Assert.Equal(0, sim.Node.CallsStarted);
    }

    [Fact]
    public async Task Events_off_at_login_means_responses_only()
    {
        await using var sim = await AsteriskSimulator.StartAsync(TestOptions.Fast);
        await using var quiet = await AmiTestClient.LoginAsync(sim.Port, events: "off");
        await using var loud = await AmiTestClient.LoginAsync(sim.Port);

        var call = sim.Node.StartCall("answered")!;
        await call.Completion.WaitAsync(AmiTestClient.Patience);
        await loud.NextAsync(m => m["EventName"] == "LINKEDID_END");
        var pong = await quiet.ActionAsync(("Action", "Ping"), ("ActionID", "p"));

        Assert.Equal("Pong", pong["Ping"]);
        Assert.DoesNotContain(quiet.Received, m => m.IsEvent);
    }

    [Fact]
    public async Task An_event_class_list_at_login_lets_only_those_classes_through()
    {
        await using var sim = await AsteriskSimulator.StartAsync(TestOptions.Fast);
        await using var client = await AmiTestClient.LoginAsync(sim.Port, events: "cdr");

        await sim.Node.StartCall("answered")!.Completion.WaitAsync(AmiTestClient.Patience);
        await client.ActionAsync(("Action", "Ping"), ("ActionID", "p"));

        var events = client.Received.Where(m => m.IsEvent).ToList();
        Assert.Equal(2, events.Count);
        Assert.All(events, m => Assert.Equal("Cdr", m.EventName));
    }

    [Fact]
    public async Task The_Events_action_switches_events_off_and_on_again()
    {
        await using var sim = await AsteriskSimulator.StartAsync(TestOptions.Fast);
        await using var client = await AmiTestClient.LoginAsync(sim.Port);

        var off = await client.ActionAsync(("Action", "Events"), ("EventMask", "off"), ("ActionID", "e1"));
        await sim.Node.StartCall("busy")!.Completion.WaitAsync(AmiTestClient.Patience);
        await client.ActionAsync(("Action", "Ping"), ("ActionID", "p1"));
        var countWhileOff = client.Received.Count(m => m.EventName == "CEL");
        var on = await client.ActionAsync(("Action", "Events"), ("EventMask", "call"), ("ActionID", "e2"));
        await sim.Node.StartCall("busy")!.Completion.WaitAsync(AmiTestClient.Patience);
        await client.NextAsync(m => m["EventName"] == "LINKEDID_END");

        Assert.Equal("Off", off["Events"]);
        Assert.Equal("On", on["Events"]);
        Assert.Equal(0, countWhileOff);
        Assert.DoesNotContain(client.Received, m => m.EventName == "Cdr");
    }

    [Fact]
    public async Task Sessions_are_recorded_with_login_and_logoff_times_and_actions_are_counted()
    {
        await using var sim = await AsteriskSimulator.StartAsync(TestOptions.Fast);
        await using (var first = await AmiTestClient.LoginAsync(sim.Port))
        {
            await first.ActionAsync(("Action", "Ping"), ("ActionID", "p1"));
            await first.ActionAsync(("Action", "Logoff"), ("ActionID", "bye"));
            await first.Closed.WaitAsync(AmiTestClient.Patience);
        }
        await using var second = await AmiTestClient.LoginAsync(sim.Port);
        await second.ActionAsync(("Action", "ping"), ("ActionID", "p2"));

        var records = sim.Node.Sessions.All;
        Assert.Equal(2, records.Count);
        Assert.All(records, r => Assert.Equal("probe", r.Username));
        Assert.Equal("logoff", records[0].CloseReason);
        Assert.True(records[0].LoggedOffAt >= records[0].LoggedInAt);
        Assert.True(records[1].LoggedInAt >= records[0].EndedAt);
        Assert.True(records[1].IsLoggedInNow);
        Assert.Equal(1, sim.Node.Sessions.MaxConcurrentLoggedIn());
        Assert.Equal(2, sim.Node.Actions["Ping"]);
        Assert.Equal(2, sim.Node.Actions["Login"]);
        Assert.Equal(1, sim.Node.Actions["Logoff"]);
    }

    [Fact]
    public async Task Two_sessions_logged_in_at_once_are_visible_in_the_history()
    {
        await using var sim = await AsteriskSimulator.StartAsync(TestOptions.Fast);
        await using var a = await AmiTestClient.LoginAsync(sim.Port);
        await using var b = await AmiTestClient.LoginAsync(sim.Port);

        Assert.Equal(2, sim.Node.Sessions.LoggedInNow);
        Assert.Equal(2, sim.Node.Sessions.MaxConcurrentLoggedIn());
    }

    [Fact]
    public async Task A_message_without_Action_gets_an_error_and_the_session_goes_on()
    {
        await using var sim = await AsteriskSimulator.StartAsync(TestOptions.Fast);
        await using var client = await AmiTestClient.LoginAsync(sim.Port);

        await client.SendRawAsync("ActionID: x1\r\nFoo: bar\r\n\r\n"u8.ToArray());
        var error = await client.NextAsync(m => m.IsResponse && m.ActionId == "x1");
        var pong = await client.ActionAsync(("Action", "Ping"), ("ActionID", "p"));

        Assert.Equal("Missing action in request", error.MessageText);
        Assert.Equal("Pong", pong["Ping"]);
    }
}
