using Telephony.Ami.Client;
using static Telephony.Ami.Tests.Client.ClientTestKit;

namespace Telephony.Ami.Tests.Client;

/// <summary>Logging in: plain, MD5 challenge, a rejected login, and nothing written before the login succeeds.</summary>
public class LoginTests
{
    [Fact]
    public async Task A_plain_login_sends_Login_with_the_secret_and_the_event_mask_first()
    {
        await using var peer = new ScriptedAmiPeer();
        var options = Options(peer) with { EventMask = "call,cdr,agent,system" };

        await using var client = await ConnectedClientAsync(peer, options);

        Assert.Equal(AmiConnectionState.Connected, client.State);
        Assert.Equal("Asterisk Call Manager/9.0.0", client.Banner);
        var login = Assert.Single(peer.Connections.Single().Received);
        Assert.Equal("Login", login["Action"]);
        Assert.Equal("probe", login["Username"]);
        Assert.Equal("probe", login["Secret"]);
        Assert.Equal("call,cdr,agent,system", login["Events"]);
        var connected = await client.Notifications.WaitForAsync<AmiConnected>();
        Assert.Equal(1, connected.Session);
    }

    [Fact]
    public async Task An_MD5_login_answers_the_challenge_and_never_sends_the_secret()
    {
        await using var peer = new ScriptedAmiPeer();

        await using var client = await ConnectedClientAsync(peer, Options(peer, AmiAuthType.Md5));

        var sent = peer.Connections.Single().Received;
        Assert.Equal(["Challenge", "Login"], sent.Select(m => m["Action"]));
        Assert.Equal("MD5", sent[0]["AuthType"]);
        Assert.Equal("MD5", sent[1]["AuthType"]);
        var expectedKey = Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(
            System.Text.Encoding.UTF8.GetBytes(peer.Challenge + "probe")));
        Assert.Equal(expectedKey, sent[1]["Key"]);
        Assert.Equal("probe", sent[1]["Username"]);
        Assert.Null(sent[1]["Secret"]);
        Assert.True((await client.PingAsync()).IsSuccess);
    }

    [Fact]
    public async Task A_rejected_login_is_a_typed_error_as_in_the_bad_login_capture()
    {
        await using var peer = new ScriptedAmiPeer
        {
            Script = async c =>
            {
                await c.SendRawAsync(ScriptedAmiPeer.Banner);
                var login = await c.ReadActionAsync();
                await c.ReplayAnswerAsync("bad-login.ami", "login-1", login!);
                c.Close(); // Asterisk closes the socket after a failed login
            },
        };
        await using var client = new AmiClient(Options(peer));

        var error = await Assert.ThrowsAsync<AmiAuthenticationException>(() => client.ConnectAsync());

        Assert.Contains("Authentication failed", error.Message);
        Assert.Equal("Error", error.Response!.ResponseStatus);
        Assert.Equal(1, client.Counters.LoginFailures);
        Assert.Equal(AmiConnectionState.Idle, client.State);
    }

    [Fact]
    public async Task A_rejected_login_in_the_background_stops_the_client_instead_of_retrying_in_a_loop()
    {
        await using var peer = new ScriptedAmiPeer();
        await using var client = new AmiClient(Options(peer) with { Secret = "wrong" });

        client.Start();

        var stopped = await client.Notifications.WaitForAsync<AmiStopped>();
        Assert.IsType<AmiAuthenticationException>(stopped.Error);
        Assert.Equal(AmiConnectionState.Stopped, client.State);
        Assert.Single(peer.Connections);
    }

    [Fact]
    public async Task A_rejected_login_can_be_retried_but_only_at_the_backoff_cap()
    {
        await using var peer = new ScriptedAmiPeer();
        var options = Options(peer) with
        {
            Secret = "wrong",
            Reconnect = new AmiReconnectPolicy
            {
                InitialDelay = TimeSpan.FromMilliseconds(10),
                MaxDelay = TimeSpan.FromMilliseconds(150),
                RetryAfterAuthenticationFailure = true,
            },
        };
        await using var client = new AmiClient(options);

        client.Start();

        var failed = await client.Notifications.WaitForAsync<AmiConnectAttemptFailed>();
        Assert.Equal(TimeSpan.FromMilliseconds(150), failed.RetryIn);
        await client.Notifications.WaitForAsync<AmiConnectAttemptFailed>(match: f => f.Attempt == 2);
        Assert.All(peer.Connections, c => Assert.Equal("Login", c.Received[0]["Action"]));
    }

    [Fact]
    public async Task Actions_before_the_login_succeeded_are_refused_without_writing_anything()
    {
        var loginSeen = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        await using var peer = new ScriptedAmiPeer
        {
            Script = async c =>
            {
                await c.SendRawAsync(ScriptedAmiPeer.Banner);
                var login = await c.ReadActionAsync();
                loginSeen.SetResult();
                await release.Task;
                await c.RespondAsync(login!, ("Response", "Success"), ("Message", "Authentication accepted"));
                await c.IgnoreEverythingAsync();
            },
        };
        await using var client = new AmiClient(Options(peer));

        var connecting = client.ConnectAsync();
        await loginSeen.Task.WaitAsync(Patience);
        Assert.Equal(AmiConnectionState.Connecting, client.State);
        await Assert.ThrowsAsync<AmiNotConnectedException>(() => client.PingAsync());
        release.SetResult();
        await connecting.WaitAsync(Patience);

        Assert.Equal(["Login"], peer.Connections.Single().ReceivedActionNames);
    }

    [Fact]
    public async Task A_peer_that_is_not_an_Asterisk_manager_fails_the_connect_cleanly()
    {
        await using var peer = new ScriptedAmiPeer
        {
            Script = async c =>
            {
                await c.SendRawAsync("SSH-2.0-OpenSSH_9.6\r\n");
                await c.IgnoreEverythingAsync();
            },
        };
        await using var client = new AmiClient(Options(peer) with { LoginTimeout = TimeSpan.FromMilliseconds(300) });

        var error = await Assert.ThrowsAsync<AmiConnectionException>(() => client.ConnectAsync());

        Assert.Contains("banner", error.Message);
        Assert.Empty(peer.Connections.Single().Received);
    }

    [Fact]
    public async Task A_TLS_connection_logs_in_over_SslStream_with_a_custom_certificate_check()
    {
        using var certificate = ScriptedAmiPeer.CreateSelfSignedCertificate();
        await using var peer = new ScriptedAmiPeer(certificate);
        var checkedThumbprint = "";
        var options = Options(peer) with
        {
            UseTls = true,
            TlsTargetHost = "localhost",
            ServerCertificateValidation = (_, cert, _, _) =>
            {
                checkedThumbprint = cert?.GetCertHashString() ?? "";
                return cert?.GetCertHashString() == certificate.GetCertHashString();
            },
        };

        await using var client = await ConnectedClientAsync(peer, options);

        Assert.Equal(certificate.GetCertHashString(), checkedThumbprint);
        Assert.True((await client.PingAsync()).IsSuccess);
    }

    [Fact]
    public async Task A_TLS_certificate_that_fails_the_check_is_a_connection_error()
    {
        using var certificate = ScriptedAmiPeer.CreateSelfSignedCertificate();
        await using var peer = new ScriptedAmiPeer(certificate);
        var options = Options(peer) with { UseTls = true, TlsTargetHost = "localhost" }; // default check: untrusted

        await using var client = new AmiClient(options);

        var error = await Assert.ThrowsAsync<AmiConnectionException>(() => client.ConnectAsync());
        Assert.Contains("TLS", error.Message);
    }
}
