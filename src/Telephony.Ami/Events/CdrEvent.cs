using Telephony.Ami.Protocol;

namespace Telephony.Ami.Events;

/// <summary>
/// One Call Detail Record (<c>Event: Cdr</c>, from cdr_manager). Times are Asterisk's local time without a zone;
/// <see cref="AnswerTime"/> is null when the call was not answered. It carries no LinkedID or Sequence unless
/// cdr_manager.conf maps them.
/// </summary>
public sealed class CdrEvent(AmiMessage message) : AmiEvent(message)
{
    public string? AccountCode => Get("AccountCode");
    public string? Source => Get("Source");
    public string? Destination => Get("Destination");
    public string? DestinationContext => Get("DestinationContext");
    public string? CallerId => Get("CallerID");
    public string? Channel => Get("Channel");
    public string? DestinationChannel => Get("DestinationChannel");
    public string? LastApplication => Get("LastApplication");
    public string? LastData => Get("LastData");
    public DateTime? StartTime => GetLocalTime("StartTime");
    public DateTime? AnswerTime => GetLocalTime("AnswerTime");
    public DateTime? EndTime => GetLocalTime("EndTime");

    /// <summary>Seconds from start to end.</summary>
    public int? Duration => GetInt("Duration");

    /// <summary>Seconds from answer to end.</summary>
    public int? BillableSeconds => GetInt("BillableSeconds");

    /// <summary>ANSWERED, NO ANSWER, BUSY, FAILED, CONGESTION.</summary>
    public string? Disposition => Get("Disposition");

    public string? AmaFlags => Get("AMAFlags");
    public string? UniqueId => Get("UniqueID");
    public string? UserField => Get("UserField");

    /// <summary>Only when mapped in cdr_manager.conf.</summary>
    public string? LinkedId => Get("LinkedID");

    /// <summary>Only when mapped in cdr_manager.conf.</summary>
    public string? Sequence => Get("Sequence");
}
