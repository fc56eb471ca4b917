namespace Telephony.Ami.Client;

public enum AmiConnectionState
{
    /// <summary>Not started.</summary>
    Idle,

    /// <summary>Opening the socket, reading the banner, logging in (nothing but Challenge/Login is written).</summary>
    Connecting,

    /// <summary>Logged in: actions may be sent, events flow.</summary>
    Connected,

    /// <summary>Lost the connection; waiting out the backoff before the next attempt.</summary>
    Reconnecting,

    /// <summary>Given up for good: disposed, reconnect disabled, or a login rejected (see <see cref="AmiStopped"/>).</summary>
    Stopped,
}

/// <summary>What the owner of a connection is told, in order, through <see cref="AmiClient.Notifications"/>. Every
/// <see cref="AmiReconnected"/> and <see cref="AmiEventsLost"/> means events were missed: resync.</summary>
public abstract record AmiConnectionNotification(DateTimeOffset At);

/// <summary>First successful login of this client. <paramref name="Session"/> numbers connections from 1.</summary>
public sealed record AmiConnected(string Banner, DateTimeOffset At, int Session) : AmiConnectionNotification(At);

/// <summary>The connection ended (<paramref name="Reason"/>); pending actions were failed.</summary>
public sealed record AmiDisconnected(string Reason, Exception? Error, DateTimeOffset At, int Session)
    : AmiConnectionNotification(At)
{
    public DateTimeOffset Since => At;
}

/// <summary>Logged in again after <paramref name="Downtime"/> and <paramref name="Attempts"/> attempts.</summary>
public sealed record AmiReconnected(string Banner, DateTimeOffset At, int Session, TimeSpan Downtime, int Attempts)
    : AmiConnectionNotification(At);

/// <summary>A connect or login attempt failed; the next one follows after <paramref name="RetryIn"/>.</summary>
public sealed record AmiConnectAttemptFailed(string Reason, Exception Error, DateTimeOffset At, int Attempt, TimeSpan RetryIn)
    : AmiConnectionNotification(At);

/// <summary>The event buffer filled up: from now on events are dropped until the consumer catches up.</summary>
public sealed record AmiEventOverflowStarted(DateTimeOffset At, int Capacity) : AmiConnectionNotification(At);

/// <summary><paramref name="Count"/> events between <paramref name="FirstLostAt"/> and <paramref name="LastLostAt"/>
/// were dropped because the event buffer was full. Sent when delivery resumes (or the connection ends).</summary>
public sealed record AmiEventsLost(long Count, DateTimeOffset FirstLostAt, DateTimeOffset LastLostAt, int Session)
    : AmiConnectionNotification(LastLostAt);

/// <summary>The client will not connect again (<paramref name="Error"/> is an <see cref="AmiAuthenticationException"/>
/// when Asterisk rejected the login).</summary>
public sealed record AmiStopped(string Reason, Exception? Error, DateTimeOffset At) : AmiConnectionNotification(At);
