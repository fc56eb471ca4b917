using System.Net.Security;
using System.Security.Authentication;

namespace Telephony.Ami.Client;

public enum AmiAuthType
{
    /// <summary><c>Login</c> with <c>Secret</c> in clear (use TLS, or loopback).</summary>
    Plain,

    /// <summary><c>Challenge</c> then <c>Login</c> with <c>Key: md5hex(challenge + secret)</c>.</summary>
    Md5,
}

/// <summary>How to reach and log in to one Asterisk manager, and how the connection behaves.</summary>
public sealed record AmiClientOptions
{
    public required string Host { get; init; }
    public int Port { get; init; } = 5038;
    public required string Username { get; init; }
    public required string Secret { get; init; }
    public AmiAuthType AuthType { get; init; } = AmiAuthType.Md5;

    /// <summary>The <c>Events</c> header of the login: <c>on</c>, <c>off</c>, or a class list such as
    /// <c>call,cdr,agent,system,user</c>. Null sends no header (Asterisk then uses the user's read permissions).</summary>
    public string? EventMask { get; init; } = "on";

    public bool UseTls { get; init; }

    /// <summary>Name checked against the server certificate; defaults to <see cref="Host"/>.</summary>
    public string? TlsTargetHost { get; init; }

    /// <summary>Custom certificate check (a pinned certificate, a private CA). Null: the platform's default check.</summary>
    public RemoteCertificateValidationCallback? ServerCertificateValidation { get; init; }

    public SslProtocols TlsProtocols { get; init; } = SslProtocols.None; // let the OS choose (TLS 1.2/1.3)

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>From TCP connect to a successful login (banner, challenge, login response).</summary>
    public TimeSpan LoginTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Default time an action waits for its response (for list actions: for the list to complete).</summary>
    public TimeSpan ActionTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long after its response an async Originate waits for the OriginateResponse event, on top of the
    /// originate's own <c>Timeout</c> header.</summary>
    public TimeSpan OriginateResponseGrace { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Send a Ping after this long without a byte from Asterisk. <see cref="TimeSpan.Zero"/> disables it.</summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>A keepalive Ping not answered within this long means the peer is dead: the connection is dropped.</summary>
    public TimeSpan KeepAliveTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A write that does not complete within this long (Asterisk stopped reading) drops the connection.</summary>
    public TimeSpan WriteTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Events buffered between the socket reader and the consumer. Sized for minutes of peak traffic; past it
    /// events are dropped (newest first), counted and reported as <see cref="AmiEventsLost"/>.</summary>
    public int EventBufferCapacity { get; init; } = 200_000;

    public int MaxMessageBytes { get; init; } = Protocol.AmiParser.DefaultMaxMessageBytes;

    /// <summary>Prefix of every ActionID this client assigns (a counter follows).</summary>
    public string ActionIdPrefix { get; init; } = "ta-";

    public AmiReconnectPolicy Reconnect { get; init; } = new();

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Host);
        ArgumentException.ThrowIfNullOrWhiteSpace(Username);
        ArgumentNullException.ThrowIfNull(Secret);
        ArgumentOutOfRangeException.ThrowIfLessThan(Port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Port, 65535);
        ArgumentOutOfRangeException.ThrowIfLessThan(EventBufferCapacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ActionTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(LoginTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(KeepAliveInterval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(KeepAliveTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(WriteTimeout, TimeSpan.Zero);
        Protocol.AmiMessageWriter.ValidateValue("ActionID", ActionIdPrefix);
        if (EventMask is not null) Protocol.AmiMessageWriter.ValidateValue("Events", EventMask);
        Protocol.AmiMessageWriter.ValidateValue("Username", Username);
        Reconnect.Validate();
    }
}

/// <summary>
/// Reconnect forever with capped, jittered exponential backoff. A rejected login is not a network fault: by default it
/// stops the client (the owner must fix the secret); with <see cref="RetryAfterAuthenticationFailure"/> it is retried,
/// but only every <see cref="MaxDelay"/>, never in a hot loop.
/// </summary>
public sealed record AmiReconnectPolicy
{
    public bool Enabled { get; init; } = true;
    public TimeSpan InitialDelay { get; init; } = TimeSpan.FromMilliseconds(500);
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);
    public double Multiplier { get; init; } = 2.0;

    /// <summary>Fraction of each delay that is random (0 = none, 1 = anywhere between 0 and the delay).</summary>
    public double Jitter { get; init; } = 0.5;

    public bool RetryAfterAuthenticationFailure { get; init; }

    /// <summary>The delay before attempt <paramref name="attempt"/> (0-based) of a reconnect series.</summary>
    public TimeSpan DelayFor(int attempt, Random random)
    {
        var exponent = Math.Min(attempt, 62);
        var ms = Math.Min(MaxDelay.TotalMilliseconds, InitialDelay.TotalMilliseconds * Math.Pow(Multiplier, exponent));
        ms *= 1 - Jitter * random.NextDouble();
        return TimeSpan.FromMilliseconds(Math.Max(0, ms));
    }

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(InitialDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDelay, InitialDelay);
        ArgumentOutOfRangeException.ThrowIfLessThan(Multiplier, 1.0);
        if (Jitter is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(Jitter), "between 0 and 1");
    }
}
