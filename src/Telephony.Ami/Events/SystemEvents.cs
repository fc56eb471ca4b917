using Telephony.Ami.Protocol;

namespace Telephony.Ami.Events;

/// <summary>Asterisk finished starting (sent right after login too). A good moment to resync.</summary>
public sealed class FullyBootedEvent(AmiMessage message) : AmiEvent(message)
{
    public string? Status => Get("Status");

    /// <summary>Seconds since start.</summary>
    public int? Uptime => GetInt("Uptime");

    /// <summary>Seconds since the last reload.</summary>
    public int? LastReload => GetInt("LastReload");
}

/// <summary>Asterisk is shutting down: every channel has been hung up and the connection closes about a second
/// later without a Logoff reply.</summary>
public sealed class ShutdownEvent(AmiMessage message) : AmiEvent(message)
{
    /// <summary><c>Cleanly</c> or <c>Uncleanly</c>.</summary>
    public string? Shutdown => Get("Shutdown");

    public bool IsRestart => string.Equals(Get("Restart"), "True", StringComparison.OrdinalIgnoreCase);
}

/// <summary>A <c>UserEvent</c> raised by the dialplan (<c>UserEvent(name,k: v)</c>) or by the AMI action.</summary>
public sealed class UserEvent(AmiMessage message) : AmiEvent(message)
{
    /// <summary>The user event's own name (the <c>UserEvent</c> header).</summary>
    public string? UserEventName => Get("UserEvent");
}
