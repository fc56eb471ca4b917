namespace Telephony.Domain.Cel;

/// <summary>
/// What a HANGUP CEL says in its JSON <c>Extra</c>: <c>{"hangupcause":16,"hangupsource":"dialplan/builtin",
/// "dialstatus":"ANSWER"}</c>. <see cref="Cause"/> is the Q.850-style Asterisk cause (16 normal clearing, 17 busy,
/// 19 no answer, 26 answered elsewhere, 34 congestion, 0 none); <see cref="DialStatus"/> is the DIALSTATUS of the
/// last Dial()/Queue() this channel made, empty when it dialled nothing.
/// </summary>
public sealed record HangupDetails(int? Cause, string Source, string DialStatus, bool ExtraWasMalformed)
{
    public static HangupDetails From(CelExtra extra) =>
        new(extra.GetInt("hangupcause"), extra["hangupsource"] ?? "", extra["dialstatus"] ?? "", extra.IsMalformed);
}
