using System.Buffers;
using System.Text;

namespace Telephony.Ami.Protocol;

/// <summary>Where a message ends: the blank line, or a legacy <c>Response: Follows</c> body's <c>--END COMMAND--</c>;
/// and skipping to the next blank line after a bad message.</summary>
public sealed partial class AmiParser
{
    private static bool IsLf(in ReadOnlySequence<byte> buffer, long index)
    {
        var r = new SequenceReader<byte>(buffer);
        r.Advance(index);
        return r.TryPeek(out var b) && b == (byte)'\n';
    }

    /// <summary>Length of the first message in a contiguous span (terminating blank line included), or -1.</summary>
    private static int FindEnd(ReadOnlySpan<byte> span)
    {
        var legacy = StartsWithFollows(span);
        var pos = 0;
        if (legacy)
        {
            var e = span.IndexOf(EndCommand);
            if (e < 0) return -1;
            pos = e;
        }
        while (true)
        {
            var nl = span[pos..].IndexOf((byte)'\n');
            if (nl < 0) return -1;
            pos += nl + 1;
            if (pos >= span.Length) return -1;
            if (span[pos] == (byte)'\n') return pos + 1;
            if (span[pos] == (byte)'\r')
            {
                if (pos + 1 >= span.Length) return -1;
                if (span[pos + 1] == (byte)'\n') return pos + 2;
            }
        }
    }

    private static long FindEnd(in ReadOnlySequence<byte> buffer)
    {
        var reader = new SequenceReader<byte>(buffer);
        if (IsFollowsPrefixIgnoreCase(buffer))
        {
            if (!reader.TryAdvanceTo(EndCommand[0], advancePastDelimiter: false)) return -1;
            while (!reader.IsNext(EndCommand, advancePast: false))
            {
                reader.Advance(1);
                if (!reader.TryAdvanceTo(EndCommand[0], advancePastDelimiter: false)) return -1;
            }
        }
        while (true)
        {
            if (!reader.TryAdvanceTo((byte)'\n')) return -1;
            if (!reader.TryPeek(out var b)) return -1;
            if (b == (byte)'\n') return reader.Consumed + 1;
            if (b == (byte)'\r')
            {
                if (!reader.TryPeek(1, out var b2)) return -1;
                if (b2 == (byte)'\n') return reader.Consumed + 2;
            }
        }
    }

    private static bool IsFollowsPrefixIgnoreCase(in ReadOnlySequence<byte> buffer)
    {
        if (buffer.Length <= FollowsLine.Length) return false;
        Span<byte> head = stackalloc byte[FollowsLine.Length + 1];
        buffer.Slice(0, head.Length).CopyTo(head);
        return StartsWithFollows(head);
    }

    private static bool StartsWithFollows(ReadOnlySpan<byte> span) =>
        span.Length >= FollowsLine.Length && Ascii.EqualsIgnoreCase(span[..FollowsLine.Length], FollowsLine) &&
        (span.Length == FollowsLine.Length || span[FollowsLine.Length] is (byte)'\r' or (byte)'\n');

    /// <summary>Skips up to and including the next blank line. False when none is in the buffer yet: everything that
    /// cannot be part of one is dropped so a flood of garbage never grows the buffer.</summary>
    private static bool SkipToBlankLine(ref ReadOnlySequence<byte> buffer)
    {
        var reader = new SequenceReader<byte>(buffer);
        while (reader.TryAdvanceTo((byte)'\n'))
        {
            if (!reader.TryPeek(out var b)) break;
            if (b == (byte)'\n') { buffer = buffer.Slice(reader.Consumed + 1); return true; }
            if (b == (byte)'\r')
            {
                if (!reader.TryPeek(1, out var b2)) break;
                if (b2 == (byte)'\n') { buffer = buffer.Slice(reader.Consumed + 2); return true; }
            }
        }
        // Keep only a tail that could start a blank line ("\n" or "\n\r").
        var len = buffer.Length;
        var keep = 0L;
        if (len >= 1 && Last(buffer, 1) == (byte)'\n') keep = 1;
        else if (len >= 2 && Last(buffer, 1) == (byte)'\r' && Last(buffer, 2) == (byte)'\n') keep = 2;
        buffer = buffer.Slice(len - keep);
        return false;
    }

    private static byte Last(in ReadOnlySequence<byte> buffer, int fromEnd)
    {
        Span<byte> one = stackalloc byte[1];
        buffer.Slice(buffer.Length - fromEnd, 1).CopyTo(one);
        return one[0];
    }
}
