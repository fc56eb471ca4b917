namespace Telephony.Domain.Identity;

/// <summary>FNV-1a, 64 bits: a cheap in-process fingerprint for sets that only need "seen or not" over short keys
/// (channel names, UniqueIDs) and would otherwise hold thousands of strings. Not persisted, not for identities that
/// must never collide (those are <see cref="EventIdentity"/>'s SHA-256 prefixes).</summary>
public static class Fnv1a64
{
    public static ulong Of(ReadOnlySpan<byte> bytes)
    {
        var h = 14695981039346656037UL;
        foreach (var b in bytes) h = (h ^ b) * 1099511628211UL;
        return h;
    }
}
