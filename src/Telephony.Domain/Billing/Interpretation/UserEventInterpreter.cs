using Telephony.Domain.Cel;

namespace Telephony.Domain.Billing.Interpretation;

/// <summary>
/// CELGenUserEvent and unknown event types. Asterisk sends a user event with <c>EventName</c> = its custom name (or
/// USER_DEFINED + <c>UserDefType</c> with show_user_defined), and Extra <c>{"extra":"..."}</c>. A name we do not know
/// cannot be told apart from an event type newer than this code, so both are kept in order, by name, on the record —
/// never dropped, never fatal — for the billing sink or a custom rule to use.
/// </summary>
public sealed class UserEventInterpreter : CelInterpreter
{
    public UserEventInterpreter()
    {
        On(CelEventType.UserDefined, (cel, _, call) => Add(cel, call, known: true));
        On(CelEventType.Unknown, (cel, _, call) => Add(cel, call, known: false));
    }

    private static void Add(CelEvent cel, CallBuilder call, bool known) =>
        call.UserEvents.Add(new UserEventInfo(cel.UserEventName ?? cel.EventName,
            cel.Extra.Format == CelExtraFormat.Json && cel.Extra["extra"] is { } text ? text : cel.Extra.Raw,
            cel.Channel, call.TimeOf(cel), known));
}
