using System.Buffers;
using System.Diagnostics;
using Telephony.Ami.Protocol;

namespace Telephony.Benchmarks;

/// <summary>
/// Parses the real captures, repeated to at least 100 MB in memory, into messages, and in the same run makes a raw scan
/// of the same bytes: a loop that finds every line end and each line's colon and allocates nothing. The ratio says how
/// close the parser (which also copies each message and indexes its headers) comes to that limit.
/// </summary>
internal static class AmiParseBenchmark
{
    private const int ReadSize = 64 * 1024; // what one socket read typically hands the parser

    public static int Run(string[] args)
    {
        var megabytes = args.Length >= 2 && args[0] == "--megabytes" ? int.Parse(args[1]) : 100;
        var stream = BuildStream(megabytes * 1024L * 1024L, out var eventsPerCopy, out var messagesPerCopy, out var copies);
        Console.WriteLine($"input: {stream.Length / (1024.0 * 1024.0):F1} MiB, {copies} copies of the captures, " +
                          $"{messagesPerCopy * copies:N0} messages ({eventsPerCopy * copies:N0} events)");

        var segments = Split(stream, ReadSize);
        // Warm up both loops (JIT tiering), then take the best of several runs of each.
        Parse(segments, out _);
        RawScan(stream);

        var parseBest = double.MaxValue;
        var scanBest = double.MaxValue;
        long events = 0;
        for (var run = 0; run < 5; run++)
        {
            var sw = Stopwatch.StartNew();
            var scanned = RawScan(stream);
            sw.Stop();
            scanBest = Math.Min(scanBest, sw.Elapsed.TotalSeconds);
            GC.KeepAlive(scanned);

            GC.Collect();
            sw.Restart();
            var messages = Parse(segments, out events);
            sw.Stop();
            parseBest = Math.Min(parseBest, sw.Elapsed.TotalSeconds);
            if (messages != messagesPerCopy * copies)
                throw new InvalidOperationException($"parsed {messages} messages, expected {messagesPerCopy * copies}");
            Console.WriteLine($"run {run + 1}: parse {sw.Elapsed.TotalMilliseconds:F0} ms, raw scan {scanBest * 1000:F0} ms (best so far)");
        }

        var eventsPerSecond = events / parseBest;
        var mbPerSecond = stream.Length / parseBest / (1024 * 1024);
        var rawMbPerSecond = stream.Length / scanBest / (1024 * 1024);
        var ratio = scanBest / parseBest;
        Console.WriteLine($"parse: {mbPerSecond:F0} MiB/s, {events / parseBest:N0} events/s; raw scan: {rawMbPerSecond:F0} MiB/s");
        Console.WriteLine($"ami-parse: {eventsPerSecond:F0} events/s, {ratio:F2} x of raw scan");
        return 0;
    }

    /// <summary>The captures without their banners (a connection has one), concatenated and repeated.</summary>
    private static byte[] BuildStream(long minBytes, out long eventsPerCopy, out long messagesPerCopy, out int copies)
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "fixtures", "ami-captures");
        var parts = new List<byte[]>();
        eventsPerCopy = 0;
        messagesPerCopy = 0;
        foreach (var file in Directory.EnumerateFiles(dir, "*.ami").Order())
        {
            var bytes = File.ReadAllBytes(file);
            var messages = new AmiParser().ParseAll(bytes);
            var bannerLength = messages.Count > 0 && messages[0].Kind == AmiMessageKind.Banner ? messages[0].RawBytes.Length : 0;
            parts.Add(bytes[bannerLength..]);
            eventsPerCopy += messages.Count(m => m.IsEvent);
            messagesPerCopy += messages.Count(m => m.Kind != AmiMessageKind.Banner);
        }
        var one = parts.SelectMany(p => p).ToArray();
        copies = (int)((minBytes + one.Length - 1) / one.Length);
        var all = new byte[(long)one.Length * copies];
        for (var i = 0; i < copies; i++) one.CopyTo(all, (long)i * one.Length);
        return all;
    }

    private static long Parse(List<ReadOnlyMemory<byte>> reads, out long events)
    {
        // Fed read by read, like a PipeReader: unconsumed bytes are offered again with the next read behind them.
        var parser = new AmiParser(expectBanner: false);
        long messages = 0;
        events = 0;
        var chain = new SegmentChain();
        foreach (var read in reads)
        {
            var buffer = chain.Append(read);
            while (parser.TryRead(ref buffer, out var m))
            {
                messages++;
                if (m.Kind == AmiMessageKind.Event) events++;
            }
            chain.Consume(buffer);
        }
        return messages;
    }

    private static long RawScan(byte[] bytes)
    {
        long checksum = 0;
        ReadOnlySpan<byte> span = bytes;
        while (!span.IsEmpty)
        {
            var nl = span.IndexOf((byte)'\n');
            if (nl < 0) break;
            var colon = span[..nl].IndexOf((byte)':');
            checksum += colon + nl;
            span = span[(nl + 1)..];
        }
        return checksum;
    }

    private static List<ReadOnlyMemory<byte>> Split(byte[] bytes, int size)
    {
        var list = new List<ReadOnlyMemory<byte>>();
        for (var i = 0; i < bytes.Length; i += size) list.Add(bytes.AsMemory(i, Math.Min(size, bytes.Length - i)));
        return list;
    }

    /// <summary>A minimal stand-in for a pipe's buffer: the unconsumed tail of the last read plus the new read.</summary>
    private sealed class SegmentChain
    {
        private ReadOnlySequence<byte> _pending = ReadOnlySequence<byte>.Empty;

        public ReadOnlySequence<byte> Append(ReadOnlyMemory<byte> read)
        {
            if (_pending.IsEmpty) return _pending = new ReadOnlySequence<byte>(read);
            var first = new Segment(_pending.ToArray(), 0);
            var second = new Segment(read, first.Memory.Length);
            first.Next = second;
            return _pending = new ReadOnlySequence<byte>(first, 0, second, second.Memory.Length);
        }

        public void Consume(ReadOnlySequence<byte> rest) => _pending = rest;

        private sealed class Segment : ReadOnlySequenceSegment<byte>
        {
            public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
            {
                Memory = memory;
                RunningIndex = runningIndex;
            }

            public new Segment? Next { get => (Segment?)base.Next; set => base.Next = value; }
        }
    }
}
