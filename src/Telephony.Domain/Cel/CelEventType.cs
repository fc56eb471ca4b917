namespace Telephony.Domain.Cel;

/// <summary>
/// Every CEL event type Asterisk 12–22 reports (<c>main/cel.c</c>, <c>cel_event_types[]</c>), plus
/// <see cref="Unknown"/>. Asterisk's set is closed per version, so a name we do not know is either an event type
/// newer than this code or — most often — a <c>CELGenUserEvent(name,extra)</c>: cel_manager sends those with
/// <c>EventName</c> = the custom name unless cel.conf <c>[manager] show_user_defined=yes</c>, in which case it sends
/// <c>EventName: USER_DEFINED</c> and <c>UserDefType: name</c>. Both are kept, with the original name, in
/// <see cref="CelEvent.EventName"/>.
/// </summary>
public enum CelEventType
{
    Unknown = 0,
    ChanStart,
    ChanEnd,
    Hangup,
    Answer,
    AppStart,
    AppEnd,
    BridgeEnter,
    BridgeExit,
    ParkStart,
    ParkEnd,
    BlindTransfer,
    AttendedTransfer,
    UserDefined,
    LinkedIdEnd,
    Pickup,
    Forward,
    LocalOptimize,
    LocalOptimizeBegin,
    StreamBegin,
    StreamEnd,
    Dtmf,
}

public static class CelEventTypes
{
    private static readonly (string Name, CelEventType Type)[] Names =
    [
        ("CHAN_START", CelEventType.ChanStart),
        ("CHAN_END", CelEventType.ChanEnd),
        ("HANGUP", CelEventType.Hangup),
        ("ANSWER", CelEventType.Answer),
        ("APP_START", CelEventType.AppStart),
        ("APP_END", CelEventType.AppEnd),
        ("BRIDGE_ENTER", CelEventType.BridgeEnter),
        ("BRIDGE_EXIT", CelEventType.BridgeExit),
        ("PARK_START", CelEventType.ParkStart),
        ("PARK_END", CelEventType.ParkEnd),
        ("BLINDTRANSFER", CelEventType.BlindTransfer),
        ("ATTENDEDTRANSFER", CelEventType.AttendedTransfer),
        ("USER_DEFINED", CelEventType.UserDefined),
        ("LINKEDID_END", CelEventType.LinkedIdEnd),
        ("PICKUP", CelEventType.Pickup),
        ("FORWARD", CelEventType.Forward),
        ("LOCAL_OPTIMIZE", CelEventType.LocalOptimize),
        ("LOCAL_OPTIMIZE_BEGIN", CelEventType.LocalOptimizeBegin),
        ("STREAM_BEGIN", CelEventType.StreamBegin),
        ("STREAM_END", CelEventType.StreamEnd),
        ("DTMF", CelEventType.Dtmf),
    ];

    private static readonly Dictionary<string, CelEventType> ByName =
        Names.ToDictionary(n => n.Name, n => n.Type, StringComparer.OrdinalIgnoreCase);

    /// <summary>The type for an AMI <c>EventName</c> (case-insensitive, as Asterisk's own lookup), or
    /// <see cref="CelEventType.Unknown"/>.</summary>
    public static CelEventType FromName(string? eventName) =>
        eventName is not null && ByName.TryGetValue(eventName.Trim(), out var t) ? t : CelEventType.Unknown;

    /// <summary>Asterisk's name for a known type (<c>LINKEDID_END</c>); null for <see cref="CelEventType.Unknown"/>.</summary>
    public static string? ToAsteriskName(this CelEventType type)
    {
        foreach (var (name, t) in Names)
            if (t == type) return name;
        return null;
    }

    public static IReadOnlyList<CelEventType> AllKnown { get; } = Names.Select(n => n.Type).ToArray();
}
