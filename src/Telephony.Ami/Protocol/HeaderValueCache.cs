using System.Text;

namespace Telephony.Ami.Protocol;

/// <summary>
/// Decodes header values through a small table of recent strings, so that a value seen again (a call's LinkedID, its
/// channels' names and UniqueIDs, the context, the account code: most of a CEL) is one string, not one per event. A
/// node decodes a call's events together, so repeats are close to each other and a small direct-mapped table catches
/// them. A cached string is returned only when the bytes are exactly its ASCII text; anything else (non-ASCII, longer
/// than <see cref="MaxCachedLength"/>) is decoded as <see cref="AmiMessage.Headers"/> would. Not thread-safe: one per
/// reader (each node actor has its own).
/// </summary>
public sealed class HeaderValueCache
{
    /// <summary>Longer values (a long AppData, a HANGUP's JSON Extra) are decoded every time.</summary>
    public const int MaxCachedLength = 96;

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    private readonly string?[] _slots;
    private readonly int _mask;
    private readonly string?[] _keys = new string?[128]; // header names: a few dozen, the shared instances

    /// <param name="slots">table size, rounded up to a power of two.</param>
    public HeaderValueCache(int slots = 1024)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(slots, 1);
        var size = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)slots);
        _slots = new string?[size];
        _mask = size - 1;
    }

    /// <summary>Values answered from the table.</summary>
    public long Hits { get; private set; }

    /// <summary>Values decoded (not in the table, or not cacheable).</summary>
    public long Misses { get; private set; }

    public string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty) return "";
        if (utf8.Length > MaxCachedLength)
        {
            Misses++;
            return Utf8.GetString(utf8);
        }
        ref var slot = ref _slots[Hash(utf8) & _mask];
        if (slot is { } cached && System.Text.Ascii.Equals(utf8, cached))
        {
            Hits++;
            return cached;
        }
        Misses++;
        var value = Utf8.GetString(utf8);
        slot = value;
        return value;
    }

    /// <summary>A header name as the shared string <see cref="HeaderKeys.Get"/> gives (the instance lookups by name
    /// compare first), found in a small table of the names seen: a message's names are the same few dozen every time.
    /// </summary>
    public string GetKey(ReadOnlySpan<byte> ascii)
    {
        ref var slot = ref _keys[Hash(ascii) & (_keys.Length - 1)];
        if (slot is { } cached && System.Text.Ascii.Equals(ascii, cached)) return cached;
        var key = HeaderKeys.Get(ascii);
        slot = key;
        return key;
    }

    /// <summary>Where a value goes in a table: its length and its first and last eight bytes. Values that differ
    /// (UniqueIDs, channel names, times) differ at their ends; two that hash alike only share a slot (the bytes are
    /// compared before a cached string is used).</summary>
    private static int Hash(ReadOnlySpan<byte> bytes)
    {
        ulong head, tail;
        if (bytes.Length >= 8)
        {
            head = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(bytes);
            tail = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(bytes[^8..]);
        }
        else
        {
            head = 0;
            foreach (var b in bytes) head = (head << 8) | b;
            tail = 0;
        }
        var h = (head * 0x9E3779B97F4A7C15UL ^ tail) * 0xC2B2AE3D27D4EB4FUL ^ (ulong)bytes.Length;
        return (int)(h >> 33);
    }
}
