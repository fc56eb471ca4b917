using System.Text;
using Telephony.Ami.Protocol;

namespace Telephony.Ami.Tests.Protocol;

/// <summary>
/// A journal keeps each CEL and Cdr as the bytes it arrived in, and reads them back in place from the row's payload
/// (<see cref="AmiParser.ParseMessage(byte[], int, int)"/>): no copy, no offset table until a header is asked for by
/// index. Such a message must answer exactly as the one the parser produced from the wire.
/// </summary>
public class MessageInPlaceTests
{
    public static TheoryData<string> Captures => new(Fixtures.AllAmiCaptures);

    [Theory]
    [MemberData(nameof(Captures))]
    public void A_message_read_in_place_answers_as_the_one_parsed_from_the_wire(string capture)
    {
        // Every message but the banner line: events (what a journal keeps) and responses.
        var wire = new AmiParser().ParseAll(Fixtures.CaptureBytes(capture)).Where(m => m.Kind != AmiMessageKind.Banner).ToList();
        Assert.NotEmpty(wire);
        // All messages back to back behind a prefix, as events sit in a journal row's payload.
        var payload = new List<byte>(Encoding.ASCII.GetBytes("row header"));
        var at = new List<(int Start, int Length)>();
        foreach (var m in wire)
        {
            at.Add((payload.Count, m.RawBytes.Length));
            payload.AddRange(m.RawBytes.ToArray());
        }
        var array = payload.ToArray();

        for (var i = 0; i < wire.Count; i++)
        {
            var expected = wire[i];
            // Lookups by name first: these scan the bytes (no offset table yet)...
            var scanned = AmiParser.ParseMessage(array, at[i].Start, at[i].Length);
            Assert.Equal(expected.Kind, scanned.Kind);
            Assert.Equal(expected.Count, scanned.Count);
            Assert.Equal(expected.RawBytes.ToArray(), scanned.RawBytes.ToArray());
            foreach (var (key, _) in expected.Headers)
                foreach (var asked in new[] { key, key.ToLowerInvariant(), key.ToUpperInvariant() })
                {
                    Assert.Equal(expected[asked], scanned[asked]);
                    Assert.True(scanned.Has(asked));
                    Assert.Equal(expected[asked], scanned.GetSharedValue(asked));
                }
            Assert.Null(scanned["NoSuchHeader"]);
            Assert.False(scanned.Has("Event2"));
            // Two keys in one pass (what the node reads of every CEL), in either order, with or without a value cache.
            var keys = expected.Headers.Select(h => h.Key).Append("NoSuchHeader").Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            var cache = new HeaderValueCache(16);
            foreach (var first in keys)
                foreach (var second in keys.Where(k => !k.Equals(first, StringComparison.OrdinalIgnoreCase)))
                {
                    Assert.Equal((expected[first], expected[second]), scanned.GetPair(first, second.ToUpperInvariant()));
                    Assert.Equal((expected[first], expected[second]), scanned.GetPair(first.ToLowerInvariant(), second, cache));
                }
            Assert.Equal(expected.EventName, scanned.EventName);

            // ...then by index, which builds the table from the same bytes.
            var indexed = AmiParser.ParseMessage(array, at[i].Start, at[i].Length);
            Assert.Equal(expected.Headers, indexed.Headers);
            Assert.Equal(expected.GetValues("ChanVariable"), indexed.GetValues("ChanVariable"));
            Assert.Equal(expected.ToString(), indexed.ToString());
        }
    }

    [Fact]
    public void A_repeated_header_answers_with_its_first_value_by_name_and_every_value_in_order()
    {
        var bytes = Encoding.ASCII.GetBytes("xxEvent: UserEvent\r\nVar: one\r\nvar: two\r\nValue:no-space\r\n\r\nyy");
        var m = AmiParser.ParseMessage(bytes, 2, bytes.Length - 4);
        Assert.Equal("one", m["VAR"]);
        Assert.Equal("no-space", m["Value"]);
        Assert.Equal(("one", "no-space"), m.GetPair("var", "VALUE"));
        Assert.Equal(("no-space", "one"), m.GetPair("Value", "Var", new HeaderValueCache(4)));
        Assert.Equal(["one", "two"], m.GetValues("var"));
        Assert.Equal("one", m["var"]); // after the table was built, the same answer
    }

    [Theory]
    [InlineData("Event: CEL\r\nEventName: CHAN_START\r\n", "no blank line ends it")]
    [InlineData("Event: CEL\r\n\r\nEvent: CEL\r\n\r\n", "bytes follow its end")]
    [InlineData("Event: CEL\r\nno colon here\r\n\r\n", "without a ':'")]
    [InlineData("", "no blank line")]
    public void Bytes_that_are_not_one_whole_message_are_refused_with_the_reason(string text, string reason)
    {
        var bytes = Encoding.ASCII.GetBytes(text);
        var error = Assert.Throws<FormatException>(() => AmiParser.ParseMessage(bytes, 0, bytes.Length));
        Assert.Contains(reason, error.Message);
    }
}
