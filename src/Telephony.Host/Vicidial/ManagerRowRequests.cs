using System.Globalization;
using Telephony.Domain.Actions;

namespace Telephony.Host.Vicidial;

/// <summary>
/// A <c>vicidial_manager</c> row as an action for the node's queue: the row's action and its non-empty
/// <c>cmd_line_*</c> lines as headers, in order, values as written (CallerID included: it carries the client's
/// correlation code). The queue validates the rest (allow-list, CR/LF, required headers) and refuses what is bad.
/// </summary>
public static class ManagerRowRequests
{
    public const string KeyPrefix = "vicidial_manager:";

    /// <summary>VICIdial's sender replaces this in cmd_line_b with a meetme participant number it looks up by
    /// running <c>meetme list</c> first (volume control); that lookup is not done here.</summary>
    public const string MeetmeParticipantMarker = "XXYYXXYYXXYYXX";

    /// <summary>
    /// <c>vicidial_manager:&lt;man_id&gt;:&lt;entry_date&gt;</c>. The entry date is part of it because man_id alone comes
    /// back after the table is truncated or restored, and a reused key would be answered with the old action instead
    /// of being sent.
    /// </summary>
    public static string IdempotencyKey(ManagerRow row) =>
        row.EntryDate is { } d
            ? KeyPrefix + row.ManId.ToString(CultureInfo.InvariantCulture) + ":" + d.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture)
            : KeyPrefix + row.ManId.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The Uniqueid an Originate's first channel gets (its ChannelId): <c>&lt;epoch&gt;.9&lt;man_id, 8 digits&gt;</c>,
    /// 20 characters. The queue's default (a GUID) does not fit the table's <c>uniqueid VARCHAR(20)</c>; VICIdial
    /// scripts take the start time from a uniqueid by cutting <c>.digits</c> off, so it keeps Asterisk's
    /// <c>epoch.number</c> shape; the leading 9 keeps it clear of Asterisk's own numbering (a per-boot channel counter).
    /// </summary>
    public static string ChannelIdFor(ManagerRow row, DateTimeOffset now) =>
        now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) + ".9" +
        (row.ManId % 100_000_000).ToString("D8", CultureInfo.InvariantCulture);

    public static ManagerRowMapping Map(ManagerRow row, string node, DateTimeOffset now)
    {
        var action = row.Action?.Trim();
        if (string.IsNullOrEmpty(action)) return ManagerRowMapping.Bad("action is empty");
        var createsCall = ActionKinds.CreatesCall(action);
        var headers = new List<KeyValuePair<string, string>>(ManagerRow.LineCount + 1);
        for (var i = 0; i < row.Lines.Count; i++)
        {
            var line = row.Lines[i];
            if (string.IsNullOrWhiteSpace(line)) continue;
            var column = ManagerRow.LineColumn(i);
            if (line.Contains(MeetmeParticipantMarker, StringComparison.Ordinal))
                return ManagerRowMapping.Bad($"{column}: the meetme participant lookup ({MeetmeParticipantMarker}) is not supported");
            // One column is one line: CR or LF inside it would write more headers (or a second action) to Asterisk.
            if (line.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0)
                return ManagerRowMapping.Bad($"{column}: '{Printable(line)}' holds CR, LF or NUL (one column is one header line)");
            var separator = line.IndexOf(": ", StringComparison.Ordinal);
            var name = separator > 0 ? line[..separator].Trim() : "";
            if (name.Length == 0)
                return ManagerRowMapping.Bad($"{column}: '{Printable(line)}' is not a 'Header: value' line");
            // VICIdial sends Originate without Async and waits for the answer; here the queue sends it with Async: true
            // (a synchronous one holds Asterisk's manager thread) and follows the call by its ChannelId instead.
            if (createsCall && name.Equals("Async", StringComparison.OrdinalIgnoreCase)) continue;
            headers.Add(new(name, line[(separator + 2)..]));
        }
        if (createsCall && !headers.Any(h => h.Key.Equals("ChannelId", StringComparison.OrdinalIgnoreCase)))
            headers.Add(new("ChannelId", ChannelIdFor(row, now)));
        return ManagerRowMapping.Ok(new ActionRequest(node, action, headers, IdempotencyKey(row)));
    }

    /// <summary>
    /// VICIdial's sender does not send a Hangup or Redirect whose call (same callerid, same server) already has a DEAD
    /// row, except the recording extensions 8309/8310; it marks the row DEAD instead. True when that check applies.
    /// </summary>
    public static bool ChecksForDeadCall(ManagerRow row) =>
        !string.IsNullOrEmpty(row.CallerId) &&
        (row.Action.Trim().StartsWith("Hangup", StringComparison.OrdinalIgnoreCase) ||
         row.Action.Trim().StartsWith("Redirect", StringComparison.OrdinalIgnoreCase)) &&
        !row.Lines.Any(l => l is "Exten: 8309" or "Exten: 8310");

    private static string Printable(string line)
    {
        var shown = line.Length > 60 ? line[..60] + "..." : line;
        return shown.Replace("\r", "\\r").Replace("\n", "\\n").Replace("\0", "\\0");
    }
}
