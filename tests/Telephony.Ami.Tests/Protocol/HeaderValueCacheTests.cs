using System.Text;
using Telephony.Ami.Protocol;

namespace Telephony.Ami.Tests.Protocol;

/// <summary>
/// A node decodes a call's CEL through a <see cref="HeaderValueCache"/>: every value must read exactly as the plain
/// decode gives it, whatever the bytes (non-ASCII, invalid UTF-8, long, colliding in the table), and a value seen again
/// must be the same string, not a new one.
/// </summary>
public class HeaderValueCacheTests
{
    public static TheoryData<string> Captures => new(Fixtures.AllAmiCaptures);

    [Theory]
    [MemberData(nameof(Captures))]
    public void Headers_decoded_through_the_cache_equal_the_plain_decode(string capture)
    {
        var cache = new HeaderValueCache(4); // tiny: most values collide and replace each other
        foreach (var m in new AmiParser().ParseAll(Fixtures.CaptureBytes(capture)).Where(m => m.Kind != AmiMessageKind.Banner))
        {
            var decoded = m.GetHeaders(cache);
            Assert.Equal(m.Headers, decoded);
            // Names are the shared instances (a lookup by name compares the instance first), as without the cache.
            foreach (var (key, _) in decoded)
                if (key.Length <= 64 && System.Text.Ascii.IsValid(key))
                    Assert.Same(HeaderKeys.Get(System.Text.Encoding.ASCII.GetBytes(key)), key);
        }
        Assert.Same(string.Intern("UniqueID"), new AmiParser(expectBanner: false)
            .ParseAll(System.Text.Encoding.ASCII.GetBytes("Event: CEL\r\nUniqueID: 1.2\r\n\r\n"))[0].GetHeaders(cache)[1].Key);
    }

    [Fact]
    public void A_value_seen_again_is_the_same_string_and_a_different_one_never_comes_back_for_it()
    {
        var cache = new HeaderValueCache(1024);
        var first = cache.Get("PJSIP/alice-00000001"u8);
        var again = cache.Get("PJSIP/alice-00000001"u8);
        Assert.Same(first, again);
        Assert.Equal((1L, 1L), (cache.Hits, cache.Misses));

        // One slot for everything: each value replaces the last; what comes back is always the value asked for.
        var one = new HeaderValueCache(1);
        string[] values = ["1763800000.17", "1763800000.18", "from-internal", "1763800000.17", "", "DOCUMENTATION", "from-internal"];
        foreach (var v in values) Assert.Equal(v, one.Get(Encoding.UTF8.GetBytes(v)));
    }

    [Fact]
    public void Non_ASCII_invalid_and_long_values_decode_as_the_plain_decode_every_time()
    {
        var cache = new HeaderValueCache(16);
        var plain = new UTF8Encoding(false, false);
        byte[][] inputs =
        [
            Encoding.UTF8.GetBytes("Zoë Ünal"),
            [0x41, 0xC3, 0x28, 0x42], // invalid UTF-8: replacement character, as the plain decode
            Encoding.UTF8.GetBytes(new string('x', HeaderValueCache.MaxCachedLength + 1)),
            Encoding.UTF8.GetBytes("{\"hangupcause\":16,\"hangupsource\":\"PJSIP/bob-00000002\",\"dialstatus\":\"ANSWER\"}"),
        ];
        foreach (var bytes in inputs)
        {
            Assert.Equal(plain.GetString(bytes), cache.Get(bytes));
            Assert.Equal(plain.GetString(bytes), cache.Get(bytes)); // asked twice: still right
        }
        // The JSON value (under the length limit, ASCII) is the only one answered from the table.
        Assert.Equal(1, cache.Hits);
    }
}
