namespace Telephony.Host.Vicidial;

/// <summary>What to write back to a row: its status, the channel and uniqueid when known (null leaves the column as it
/// is). <see cref="Final"/>: the action will not change any more; the adapter stops following the row.</summary>
public sealed record ManagerRowUpdate(ManagerRowStatus Status, string? Channel, string? UniqueId, bool Final, string? Reason = null);
