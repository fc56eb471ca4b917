using System.Collections.Frozen;
using System.Globalization;
using Telephony.Ami.Protocol;

namespace Telephony.Ami.Events;

/// <summary>
/// A thin typed view over an event <see cref="AmiMessage"/>: properties read headers on demand, case-insensitively, and
/// nothing is copied. <see cref="From"/> picks the view by event name; an event without one is a plain
/// <see cref="AmiEvent"/> whose <see cref="Message"/> carries everything.
/// </summary>
public class AmiEvent
{
    private static readonly FrozenDictionary<string, Func<AmiMessage, AmiEvent>> Views =
        new Dictionary<string, Func<AmiMessage, AmiEvent>>(StringComparer.OrdinalIgnoreCase)
        {
            ["CEL"] = m => new CelEvent(m),
            ["Cdr"] = m => new CdrEvent(m),
            ["Newchannel"] = m => new NewchannelEvent(m),
            ["Newstate"] = m => new NewstateEvent(m),
            ["Hangup"] = m => new HangupEvent(m),
            ["DialBegin"] = m => new DialBeginEvent(m),
            ["DialEnd"] = m => new DialEndEvent(m),
            ["BridgeEnter"] = m => new BridgeEnterEvent(m),
            ["BridgeLeave"] = m => new BridgeLeaveEvent(m),
            ["OriginateResponse"] = m => new OriginateResponseEvent(m),
            ["UserEvent"] = m => new UserEvent(m),
            ["QueueCallerJoin"] = m => new QueueCallerJoinEvent(m),
            ["QueueCallerLeave"] = m => new QueueCallerLeaveEvent(m),
            ["QueueCallerAbandon"] = m => new QueueCallerAbandonEvent(m),
            ["AgentCalled"] = m => new AgentCalledEvent(m),
            ["AgentConnect"] = m => new AgentConnectEvent(m),
            ["AgentComplete"] = m => new AgentCompleteEvent(m),
            ["FullyBooted"] = m => new FullyBootedEvent(m),
            ["Shutdown"] = m => new ShutdownEvent(m),
        }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    protected internal AmiEvent(AmiMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!message.IsEvent) throw new ArgumentException($"not an event: {message.Kind}", nameof(message));
        Message = message;
    }

    /// <summary>The event's view: <see cref="CelEvent"/> for <c>Event: CEL</c>, ..., or a plain <see cref="AmiEvent"/>.</summary>
    public static AmiEvent From(AmiMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.EventName is { } name && Views.TryGetValue(name, out var view) ? view(message) : new AmiEvent(message);
    }

    /// <summary>Event names that have a typed view.</summary>
    public static IReadOnlyCollection<string> TypedEventNames => Views.Keys;

    public AmiMessage Message { get; }

    /// <summary>The <c>Event</c> header, e.g. <c>Newchannel</c>.</summary>
    public string Name => Message.EventName ?? "";

    public string? Privilege => Message["Privilege"];

    public string? ActionId => Message.ActionId;

    public string? this[string key] => Message[key];

    public override string ToString() => Message.ToString();

    protected string? Get(string key) => Message[key];

    protected int? GetInt(string key) =>
        int.TryParse(Message[key], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) ? v : null;

    /// <summary>An Asterisk local time without zone (<c>2026-11-22 22:31:16</c>, as CEL and Cdr send it); null when
    /// empty (a Cdr <c>AnswerTime</c> of an unanswered call).</summary>
    protected DateTime? GetLocalTime(string key) =>
        DateTime.TryParseExact(Message[key], ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.FFFFFF"],
            CultureInfo.InvariantCulture, DateTimeStyles.None, out var v)
            ? DateTime.SpecifyKind(v, DateTimeKind.Unspecified)
            : null;

    /// <summary>Null for Asterisk's placeholder <c>&lt;unknown&gt;</c> and for an empty value.</summary>
    protected string? GetKnown(string key) => Message[key] is { Length: > 0 } v && v != "<unknown>" ? v : null;
}
