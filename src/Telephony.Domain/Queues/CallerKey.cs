namespace Telephony.Domain.Queues;

/// <summary>
/// A channel on one Asterisk node. Uniqueids collide between servers that have no <c>systemname</c> (both count
/// <c>&lt;epoch&gt;.&lt;n&gt;</c>), so a channel is only ever named by its node and its Uniqueid together.
/// </summary>
public readonly record struct CallerKey(string Node, string UniqueId)
{
    public override string ToString() => $"{Node}/{UniqueId}";

    public static bool TryParse(string text, out CallerKey key)
    {
        var slash = text.IndexOf('/');
        key = slash > 0 && slash < text.Length - 1 ? new CallerKey(text[..slash], text[(slash + 1)..]) : default;
        return slash > 0 && slash < text.Length - 1;
    }
}
