using System.Buffers;
using System.IO.Pipelines;
using Telephony.Ami.Protocol;

namespace Telephony.Ami.Tests.Protocol;

/// <summary>Every real capture frames into the messages Asterisk sent, however the bytes are cut.</summary>
public class CaptureParsingTests
{
    public static TheoryData<string> Captures => new(Fixtures.AllAmiCaptures);

    [Theory]
    [InlineData("answered.ami", 11, 2)]
    [InlineData("busy.ami", 7, 2)]
    [InlineData("noanswer.ami", 7, 2)]
    [InlineData("dial-answered.ami", 23, 3)]
    [InlineData("dial-busy.ami", 13, 4)]
    [InlineData("dial-noanswer.ami", 13, 4)]
    [InlineData("originate-application.ami", 11, 2)]
    [InlineData("queue-answered.ami", 29, 5)]
    [InlineData("queue-abandoned.ami", 23, 5)]
    [InlineData("queue-hungup-by-ami.ami", 23, 5)]
    [InlineData("ping.ami", 0, 0)]
    public void A_call_capture_holds_the_CEL_and_Cdr_events_Asterisk_sent(string file, int cel, int cdr)
    {
        var messages = new AmiParser().ParseAll(Fixtures.CaptureBytes(file));

        Assert.Equal(cel, messages.Count(m => m.EventName == "CEL"));
        Assert.Equal(cdr, messages.Count(m => m.EventName == "Cdr"));
    }

    [Theory]
    [MemberData(nameof(Captures))]
    public void Every_capture_parses_into_one_message_per_blank_line_plus_the_banner(string file)
    {
        var bytes = Fixtures.CaptureBytes(file);
        var parser = new AmiParser();

        var messages = parser.ParseAll(bytes);

        Assert.Equal(AmiMessageKind.Banner, messages[0].Kind);
        Assert.Equal("Asterisk Call Manager/9.0.0", messages[0].BannerText);
        Assert.Equal(CountBlankLines(bytes) + 1, messages.Count);
        Assert.Equal(0, parser.MalformedMessages);
        Assert.Equal(0, parser.OversizedMessages);
        Assert.All(messages.Skip(1), m => Assert.NotEqual(AmiMessageKind.Unknown, m.Kind));
        // Nothing lost: the messages' bytes put back together are the file.
        Assert.Equal(bytes, messages.SelectMany(m => m.RawBytes.ToArray()).ToArray());
    }

    [Theory]
    [MemberData(nameof(Captures))]
    public void Cutting_a_capture_into_random_chunks_gives_the_identical_message_sequence(string file)
    {
        var bytes = Fixtures.CaptureBytes(file);
        var expected = new AmiParser().ParseAll(bytes).Select(m => m.ToString()).ToList();

        foreach (var seed in Enumerable.Range(1, 20))
        {
            var random = new Random(seed);
            var maxChunk = seed % 4 == 0 ? 1 : random.Next(1, 64 * 1024);
            var actual = ParseInChunks(bytes, random, maxChunk);
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public async Task A_capture_pushed_through_a_pipe_one_byte_at_a_time_parses_the_same()
    {
        var bytes = Fixtures.CaptureBytes("queue-answered.ami");
        var expected = new AmiParser().ParseAll(bytes).Select(m => m.ToString()).ToList();
        var pipe = new Pipe(new PipeOptions(minimumSegmentSize: 1, pauseWriterThreshold: 0));
        var parser = new AmiParser();
        var actual = new List<string>();

        var writing = Task.Run(async () =>
        {
            var random = new Random(7);
            for (var i = 0; i < bytes.Length;)
            {
                var n = Math.Min(bytes.Length - i, random.Next(1, 3));
                await pipe.Writer.WriteAsync(bytes.AsMemory(i, n));
                i += n;
            }
            await pipe.Writer.CompleteAsync();
        });

        while (true)
        {
            var result = await pipe.Reader.ReadAsync();
            var buffer = result.Buffer;
            while (parser.TryRead(ref buffer, out var m)) actual.Add(m.ToString());
            pipe.Reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted) break;
        }
        await writing;

        Assert.Equal(expected, actual);
    }

    private static List<string> ParseInChunks(byte[] bytes, Random random, int maxChunk)
    {
        // Feed the parser the way a socket does: whatever arrived so far, as a multi-segment sequence.
        var parser = new AmiParser();
        var result = new List<string>();
        var pending = new List<byte[]>();
        for (var i = 0; i < bytes.Length;)
        {
            var n = Math.Min(bytes.Length - i, random.Next(1, maxChunk + 1));
            pending.Add(bytes.AsSpan(i, n).ToArray());
            i += n;
            var seq = Segments.Build(pending);
            var before = seq.Length;
            while (parser.TryRead(ref seq, out var m)) result.Add(m.ToString());
            if (seq.Length != before) pending = seq.IsEmpty ? [] : [seq.ToArray()];
        }
        return result;
    }

    private static int CountBlankLines(byte[] bytes)
    {
        var count = 0;
        for (var i = 0; i + 3 < bytes.Length; i++)
            if (bytes[i] == '\r' && bytes[i + 1] == '\n' && bytes[i + 2] == '\r' && bytes[i + 3] == '\n')
                count++;
        return count;
    }
}
