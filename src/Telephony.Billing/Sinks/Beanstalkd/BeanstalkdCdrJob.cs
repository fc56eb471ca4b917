using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Telephony.Billing.Rows;

namespace Telephony.Billing.Sinks.Beanstalkd;

/// <summary>
/// A <c>cdr</c> row as the JSON body Asterisk's cdr_beanstalkd puts, with the same keys and value types, so consumers
/// written for it keep working: AccountCode, Source, Destination, DestinationContext, CallerID, Channel,
/// DestinationChannel, LastApplication, LastData, StartTime, AnswerTime, EndTime (node-local <c>yyyy-MM-dd HH:mm:ss</c>,
/// AnswerTime empty when unanswered), Duration and Billsec (numbers; note the case of Billsec), Disposition, AMAFlags
/// (OMIT, BILLING, DOCUMENTATION or Unknown, as ast_channel_amaflags2string writes them), UniqueID, UserField. Then
/// ours, which cdr_beanstalkd consumers ignore: LinkedID, Sequence, PeerAccount, Node, Origin, RecordID and Revision;
/// (Node, Origin, RecordID) is the natural key a consumer dedupes on (a job may be put twice, see
/// <see cref="BeanstalkdSink"/>), the highest Revision of a key being the one that counts.
/// </summary>
public static class BeanstalkdCdrJob
{
    /// <summary>The keys cdr_beanstalkd writes, in its order.</summary>
    public static readonly IReadOnlyList<string> AsteriskFields =
    [
        "AccountCode", "Source", "Destination", "DestinationContext", "CallerID", "Channel", "DestinationChannel",
        "LastApplication", "LastData", "StartTime", "AnswerTime", "EndTime", "Duration", "Billsec", "Disposition",
        "AMAFlags", "UniqueID", "UserField",
    ];

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // jansson (Asterisk's JSON) leaves <, > and non-ASCII as they are; so do we.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static byte[] Body(CdrRow row)
    {
        var buffer = new ArrayBufferWriter<byte>(768);
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            foreach (var field in AsteriskFields)
            {
                if (field is "Duration") w.WriteNumber(field, row.Duration);
                else if (field is "Billsec") w.WriteNumber(field, row.BillSec);
                else w.WriteString(field, Field(row, field));
            }
            w.WriteString("LinkedID", row.LinkedId);
            if (row.Sequence is { } sequence) w.WriteNumber("Sequence", sequence);
            w.WriteString("PeerAccount", row.PeerAccount);
            w.WriteString("Node", row.Node);
            w.WriteString("Origin", row.Origin);
            w.WriteString("RecordID", row.RecordId);
            w.WriteNumber("Revision", row.Revision);
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The value of a cdr_beanstalkd key (or of LinkedID, PeerAccount, Node, Origin) as text; null for a key
    /// it does not know. Priority rules match on these.</summary>
    public static string? Field(CdrRow row, string field) => field switch
    {
        "AccountCode" => row.AccountCode,
        "Source" => row.Src,
        "Destination" => row.Dst,
        "DestinationContext" => row.DContext,
        "CallerID" => row.Clid,
        "Channel" => row.Channel,
        "DestinationChannel" => row.DstChannel,
        "LastApplication" => row.LastApp,
        "LastData" => row.LastData,
        "StartTime" => Text(row.CallDate),
        "AnswerTime" => row.AnswerUtc is { } answer ? Text(Local(row, answer)) : "",
        "EndTime" => Text(Local(row, row.EndUtc)),
        "Duration" => row.Duration.ToString(CultureInfo.InvariantCulture),
        "Billsec" => row.BillSec.ToString(CultureInfo.InvariantCulture),
        "Disposition" => row.Disposition,
        "AMAFlags" => AmaFlagsText(row.AmaFlags),
        "UniqueID" => row.UniqueId,
        "UserField" => row.UserField,
        "LinkedID" => row.LinkedId,
        "PeerAccount" => row.PeerAccount,
        "Node" => row.Node,
        "Origin" => row.Origin,
        _ => null,
    };

    /// <summary>Asterisk's names of the AMA flag numbers (ast_channel_amaflags2string).</summary>
    public static string AmaFlagsText(int flags) => flags switch
    {
        1 => "OMIT",
        2 => "BILLING",
        3 => "DOCUMENTATION",
        _ => "Unknown",
    };

    /// <summary>An instant in the node's zone. The row carries the start both as the node-local calldate and as UTC;
    /// their difference, to the quarter hour (calldate has no fraction), is the node's offset from UTC.</summary>
    private static DateTime Local(CdrRow row, DateTime utc)
    {
        var minutes = Math.Round((row.CallDate - DateTime.SpecifyKind(row.StartUtc, DateTimeKind.Unspecified)).TotalMinutes / 15) * 15;
        return DateTime.SpecifyKind(utc, DateTimeKind.Unspecified).AddMinutes(minutes);
    }

    // Asterisk formats with %Y-%m-%d %T of the whole seconds.
    private static string Text(DateTime t) => t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
