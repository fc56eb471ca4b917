namespace Telephony.Domain.Tests.Support;

/// <summary>Builds AMI header lists for hand-made events.</summary>
public static class Headers
{
    public static List<KeyValuePair<string, string>> Of(params (string Key, string Value)[] headers) =>
        headers.Select(h => new KeyValuePair<string, string>(h.Key, h.Value)).ToList();

    public static List<KeyValuePair<string, string>> With(this IEnumerable<KeyValuePair<string, string>> headers, string key, string value)
    {
        var list = headers.ToList();
        var i = list.FindIndex(kv => kv.Key.Equals(key, StringComparison.OrdinalIgnoreCase));
        if (i >= 0) list[i] = new(list[i].Key, value);
        else list.Add(new(key, value));
        return list;
    }

    public static List<KeyValuePair<string, string>> Without(this IEnumerable<KeyValuePair<string, string>> headers, string key) =>
        headers.Where(kv => !kv.Key.Equals(key, StringComparison.OrdinalIgnoreCase)).ToList();

    /// <summary>A CEL event with every header Asterisk can send, each with a distinct value.</summary>
    public static List<KeyValuePair<string, string>> FullCel() => Of(
        ("Event", "CEL"), ("Privilege", "call,all"), ("EventName", "BRIDGE_ENTER"), ("AccountCode", "acct-1"),
        ("CallerIDnum", "100"), ("CallerIDname", "Alice"), ("CallerIDani", "101"), ("CallerIDrdnis", "102"),
        ("CallerIDdnid", "200"), ("Exten", "200"), ("Context", "default"), ("Channel", "PJSIP/alice-00000001"),
        ("Application", "Dial"), ("AppData", "PJSIP/bob,30"), ("EventTime", "2026-01-10 10:00:05.123456"),
        ("AMAFlags", "BILLING"), ("UniqueID", "1768039200.1"), ("LinkedID", "1768039200.0"), ("TenantID", "tenant-a"),
        ("Userfield", "uf"), ("Peer", "PJSIP/bob-00000002"), ("PeerAccount", "acct-2"), ("UserDefType", ""),
        ("Extra", "{\"bridge_id\":\"b1\",\"bridge_technology\":\"simple_bridge\"}"));

    /// <summary>A Cdr event with every standard header and the three mappable extras.</summary>
    public static List<KeyValuePair<string, string>> FullCdr() => Of(
        ("Event", "Cdr"), ("Privilege", "cdr,all"), ("AccountCode", "acct-1"), ("Source", "100"), ("Destination", "200"),
        ("DestinationContext", "default"), ("CallerID", "\"Alice\" <100>"), ("Channel", "PJSIP/alice-00000001"),
        ("DestinationChannel", "PJSIP/bob-00000002"), ("LastApplication", "Dial"), ("LastData", "PJSIP/bob,30"),
        ("StartTime", "2026-01-10 10:00:00"), ("AnswerTime", "2026-01-10 10:00:05"), ("EndTime", "2026-01-10 10:01:05"),
        ("Duration", "65"), ("BillableSeconds", "60"), ("Disposition", "ANSWERED"), ("AMAFlags", "BILLING"),
        ("UniqueID", "1768039200.1"), ("UserField", "uf"), ("LinkedID", "1768039200.0"), ("Sequence", "42"),
        ("PeerAccount", "acct-2"));
}
