using Telephony.Domain.Actions;

namespace Telephony.Host.Vicidial;

/// <summary>
/// An action's state as the <c>vicidial_manager</c> row VICIdial's sender and listener would have written for it:
/// <code>
/// Queued                                  -> QUEUE (as claimed)
/// Sent, Succeeded (not Originate)         -> SENT (a Hangup or Redirect that worked stays SENT, as in VICIdial)
/// Originate Succeeded / Up                -> UPDATED with channel and uniqueid (SENT while the channel is unknown)
/// Originate Ended                         -> DEAD, channel and uniqueid kept (VICIdial's listener marks a hung-up call DEAD)
/// Failed, Refused, Expired, Cancelled, Unknown -> DEAD
/// </code>
/// Rows of VICIdial's recording calls (Exten 8309/8310) stay UPDATED when they end: VICIdial never marks them DEAD,
/// and looks them up later to stop the recording.
/// </summary>
public static class ManagerRowOutcomes
{
    /// <summary>The table's <c>channel VARCHAR(100)</c> and <c>uniqueid VARCHAR(20)</c>: longer values would fail the
    /// write in strict mode, so they are cut (Asterisk's names and ids are far shorter).</summary>
    public const int ChannelWidth = 100, UniqueIdWidth = 20;

    private static readonly HashSet<string> RecordingExtens = ["8309", "8310"];

    public static ManagerRowUpdate For(ActionRecord a)
    {
        var channel = Cut(a.Channel, ChannelWidth);
        var uniqueId = Cut(a.UniqueId ?? (a.Status is ActionStatus.Up or ActionStatus.Ended ? a.ChannelId : null), UniqueIdWidth);
        var reason = a.Reason ?? a.Message;
        return a.Status switch
        {
            ActionStatus.Queued => new(ManagerRowStatus.Queue, null, null, false),
            ActionStatus.Sent => new(ManagerRowStatus.Sent, null, null, false),
            ActionStatus.Succeeded when !a.CreatesCall => new(ManagerRowStatus.Sent, null, null, true),
            ActionStatus.Succeeded when channel is null => new(ManagerRowStatus.Sent, null, null, false),
            ActionStatus.Succeeded or ActionStatus.Up => new(ManagerRowStatus.Updated, channel, uniqueId ?? Cut(a.ChannelId, UniqueIdWidth), false),
            ActionStatus.Ended when IsRecording(a) => new(ManagerRowStatus.Updated, channel, uniqueId, true, reason),
            ActionStatus.Ended => new(ManagerRowStatus.Dead, channel, uniqueId, true, reason),
            _ => new(ManagerRowStatus.Dead, channel, uniqueId, true, reason),
        };
    }

    private static bool IsRecording(ActionRecord a) =>
        a.Headers.FirstOrDefault(h => h.Key.Equals("Exten", StringComparison.OrdinalIgnoreCase)).Value is { } exten &&
        RecordingExtens.Contains(exten.Trim());

    private static string? Cut(string? value, int width) =>
        string.IsNullOrEmpty(value) ? null : value.Length <= width ? value : value[..width];
}
