using System.Buffers;
using System.Text;
using Telephony.Ami.Protocol;

namespace Telephony.Ami.Tests.Protocol;

/// <summary>What reaches the parser when a peer, a proxy or a bug sends something that is not clean AMI.</summary>
public class BadInputTests
{
    private static readonly byte[] Ping = "Response: Success\r\nActionID: p-1\r\nPing: Pong\r\n\r\n"u8.ToArray();

    [Fact]
    public void An_oversized_message_is_counted_and_skipped_and_the_next_message_is_intact()
    {
        var parser = new AmiParser(maxMessageBytes: 1024, expectBanner: false);
        var errors = new List<AmiParseError>();
        parser.ErrorObserved = errors.Add;
        var huge = "Event: Huge\r\n" + string.Concat(Enumerable.Range(0, 200).Select(i => $"Variable{i}: {new string('x', 40)}\r\n")) + "\r\n";

        var messages = parser.ParseAll(Encoding.ASCII.GetBytes(huge).Concat(Ping).ToArray());

        var only = Assert.Single(messages);
        Assert.Equal("p-1", only.ActionId);
        Assert.Equal(1, parser.OversizedMessages);
        Assert.Equal(AmiParseErrorKind.Oversized, Assert.Single(errors).Kind);
        Assert.StartsWith("Event: Huge", errors[0].Sample);
    }

    [Fact]
    public void An_oversized_message_arriving_in_small_reads_never_grows_the_buffer_past_the_limit()
    {
        var parser = new AmiParser(maxMessageBytes: 256, expectBanner: false);
        var stream = Encoding.ASCII.GetBytes("Event: Flood\r\n" + string.Concat(Enumerable.Repeat("Key: value-value-value\r\n", 5000)) + "\r\n")
            .Concat(Ping).ToArray();
        var held = new List<byte>();
        var parsed = new List<AmiMessage>();
        var maxHeld = 0;

        foreach (var chunk in stream.Chunk(100))
        {
            held.AddRange(chunk);
            var seq = new ReadOnlySequence<byte>(held.ToArray());
            while (parser.TryRead(ref seq, out var m)) parsed.Add(m);
            held = seq.ToArray().ToList();
            maxHeld = Math.Max(maxHeld, held.Count);
        }

        Assert.Equal("p-1", Assert.Single(parsed).ActionId);
        Assert.Equal(1, parser.OversizedMessages);
        Assert.True(maxHeld <= 256 + 2 + 100, $"parser kept {maxHeld} bytes of an oversized message");
    }

    [Fact]
    public void Garbage_bytes_are_skipped_up_to_the_next_blank_line_and_the_stream_resynchronises()
    {
        var garbage = new byte[4000];
        new Random(42).NextBytes(garbage);
        // Make sure the garbage does not itself contain a blank line, then end it with one, as a corrupted message would.
        for (var i = 0; i < garbage.Length; i++) if (garbage[i] == '\n') garbage[i] = (byte)'?';
        var stream = Ping.Concat(garbage).Concat("\r\n\r\n"u8.ToArray()).Concat(Ping).ToArray();
        var parser = new AmiParser(expectBanner: false);

        var messages = parser.ParseAll(stream);

        Assert.Equal(2, messages.Count);
        Assert.All(messages, m => Assert.Equal("Pong", m["Ping"]));
        Assert.Equal(1, parser.MalformedMessages);
    }

    [Fact]
    public void A_line_without_a_colon_makes_its_message_malformed_and_only_that_message_is_lost()
    {
        var stream = "Event: Newchannel\r\nthis line has no separator\r\nUniqueid: 1.1\r\n\r\n"u8.ToArray().Concat(Ping).ToArray();
        var parser = new AmiParser(expectBanner: false);
        AmiParseError? error = null;
        parser.ErrorObserved = e => error = e;

        var messages = parser.ParseAll(stream);

        Assert.Equal("p-1", Assert.Single(messages).ActionId);
        Assert.Equal(1, parser.MalformedMessages);
        Assert.Equal(AmiParseErrorKind.Malformed, error!.Kind);
        Assert.Contains("':'", error.Reason);
    }

    [Fact]
    public void Bytes_that_are_not_UTF8_do_not_throw_and_are_replaced()
    {
        var stream = "Event: UserEvent\r\nCallerIDName: \xff\xfe caf\xe9\r\n\r\n"u8.ToArray();
        stream = [.. "Event: UserEvent\r\nCallerIDName: "u8, 0xff, 0xfe, (byte)' ', (byte)'c', 0xe9, .. "\r\n\r\n"u8];
        var messages = new AmiParser(expectBanner: false).ParseAll(stream);

        var name = Assert.Single(messages)["CallerIDName"];
        Assert.Equal("\uFFFD\uFFFD c\uFFFD", name);
    }

    [Fact]
    public void Bare_line_feeds_and_stray_blank_lines_between_messages_are_tolerated()
    {
        var stream = "\r\n\nResponse: Success\nActionID: a\n\n\r\nEvent: X\r\nK: v\r\n\r\n"u8.ToArray();
        var parser = new AmiParser(expectBanner: false);

        var messages = parser.ParseAll(stream);

        Assert.Equal(["a", null], messages.Select(m => m.ActionId));
        Assert.Equal("X", messages[1].EventName);
        Assert.Equal(0, parser.MalformedMessages);
    }

    [Fact]
    public void A_connection_that_does_not_start_with_a_banner_is_framed_normally()
    {
        var messages = new AmiParser(expectBanner: true).ParseAll(Ping);

        Assert.Equal("p-1", Assert.Single(messages).ActionId);
    }
}
