using System.Buffers;
using System.Text;

namespace Telephony.Ami.Protocol;

public enum AmiParseErrorKind
{
    Malformed,
    Oversized,
}

/// <summary>A message the parser counted and skipped. <see cref="Sample"/> is the start of it, for logs.</summary>
public sealed record AmiParseError(AmiParseErrorKind Kind, string Reason, string Sample);

/// <summary>
/// Frames the AMI byte stream into <see cref="AmiMessage"/>s, straight from a <see cref="ReadOnlySequence{T}"/>
/// (a PipeReader's buffer or a file's bytes). Stateful across calls: keep one per connection. A message is
/// <c>Key: Value</c> lines ended by a blank line; the first line of a connection is the banner; a legacy
/// <c>Response: Follows</c> message runs to <c>--END COMMAND--</c>. An oversized or malformed message is counted and
/// skipped up to the next blank line, so one bad message never desynchronises the stream or throws.
/// </summary>
public sealed partial class AmiParser
{
    public const int DefaultMaxMessageBytes = 1024 * 1024;
    private const string BannerPrefix = "Asterisk Call Manager/";

    private static ReadOnlySpan<byte> BannerPrefixBytes => "Asterisk Call Manager/"u8;
    private static ReadOnlySpan<byte> EndCommand => "--END COMMAND--"u8;
    private static ReadOnlySpan<byte> FollowsLine => "Response: Follows"u8;

    private readonly int _maxMessageBytes;
    private bool _expectBanner;
    private bool _skipping;
    private int[] _scratch = new int[64 * 4]; // header offsets of the message being parsed

    public AmiParser(int maxMessageBytes = DefaultMaxMessageBytes, bool expectBanner = true)
    {
        if (maxMessageBytes < 64) throw new ArgumentOutOfRangeException(nameof(maxMessageBytes), "at least 64 bytes");
        _maxMessageBytes = maxMessageBytes;
        _expectBanner = expectBanner;
    }

    public int MaxMessageBytes => _maxMessageBytes;
    public long MessagesParsed { get; private set; }
    public long MalformedMessages { get; private set; }
    public long OversizedMessages { get; private set; }
    public AmiParseError? LastError { get; private set; }

    /// <summary>Called for every skipped message (on the reader's thread: keep it cheap).</summary>
    public Action<AmiParseError>? ErrorObserved { get; set; }

    /// <summary>Parses the next whole message at the start of <paramref name="buffer"/> and slices it off. Returns false
    /// when the buffer holds no complete message yet (what is left must be offered again with more bytes behind it).</summary>
    public bool TryRead(ref ReadOnlySequence<byte> buffer, out AmiMessage message)
    {
        while (!buffer.IsEmpty)
        {
            if (_skipping)
            {
                if (!SkipToBlankLine(ref buffer)) break;
                _skipping = false;
                continue;
            }

            if (_expectBanner)
            {
                var reader = new SequenceReader<byte>(buffer);
                if (!reader.TryReadTo(out ReadOnlySequence<byte> line, (byte)'\n'))
                {
                    if (buffer.Length > _maxMessageBytes) _expectBanner = false; // not a banner; frame normally
                    break;
                }
                _expectBanner = false;
                if (line.Length >= BannerPrefix.Length &&
                    line.Slice(0, BannerPrefix.Length).ToArray().AsSpan().SequenceEqual(BannerPrefixBytes))
                {
                    var bytes = buffer.Slice(0, reader.Position).ToArray(); // the line with its CRLF
                    buffer = buffer.Slice(reader.Position);
                    MessagesParsed++;
                    message = AmiMessage.ForBanner(bytes);
                    return true;
                }
                continue; // no banner: the first line belongs to a message
            }

            // Stray line ends between messages are not messages.
            var first = buffer.FirstSpan;
            if (first[0] == (byte)'\n') { buffer = buffer.Slice(1); continue; }
            if (first[0] == (byte)'\r' && (first.Length > 1 ? first[1] == (byte)'\n' : buffer.Length > 1 && IsLf(buffer, 1)))
            {
                buffer = buffer.Slice(2);
                continue;
            }

            var legacy = (first[0] | 0x20) == 'r' && IsFollowsPrefixIgnoreCase(buffer);
            if (!legacy)
            {
                // Fast path: one pass over the first segment finds the end and indexes the headers together.
                var consumed = ParseContiguous(first, out var parsed, out var why);
                if (consumed > 0)
                {
                    if (consumed > _maxMessageBytes + 2)
                    {
                        Report(AmiParseErrorKind.Oversized, $"message of {consumed} bytes, larger than {_maxMessageBytes}", buffer);
                        OversizedMessages++;
                        buffer = buffer.Slice(consumed);
                        continue;
                    }
                    if (parsed is not null)
                    {
                        buffer = buffer.Slice(consumed);
                        MessagesParsed++;
                        message = parsed;
                        return true;
                    }
                    MalformedMessages++;
                    Report(AmiParseErrorKind.Malformed, why!, buffer.Slice(0, consumed));
                    buffer = buffer.Slice(consumed);
                    continue;
                }
            }

            // A legacy "Response: Follows" body, or a message that straddles segments: find the end, then index.
            var length = buffer.IsSingleSegment ? FindEnd(first) : FindEnd(buffer);
            if (length < 0)
            {
                if (buffer.Length > _maxMessageBytes + 2)
                {
                    Report(AmiParseErrorKind.Oversized, $"message larger than {_maxMessageBytes} bytes", buffer);
                    OversizedMessages++;
                    _skipping = true;
                    continue;
                }
                break;
            }
            if (length > _maxMessageBytes + 2)
            {
                Report(AmiParseErrorKind.Oversized, $"message of {length} bytes, larger than {_maxMessageBytes}", buffer);
                OversizedMessages++;
                buffer = buffer.Slice(length);
                continue;
            }

            var copy = new byte[length];
            buffer.Slice(0, length).CopyTo(copy);
            buffer = buffer.Slice(length);
            if (Build(copy, out message, out var reason))
            {
                MessagesParsed++;
                return true;
            }
            MalformedMessages++;
            Report(AmiParseErrorKind.Malformed, reason, new ReadOnlySequence<byte>(copy));
        }
        message = null!;
        return false;
    }

    [ThreadStatic] private static AmiParser? t_single;

    private static AmiParser Single => t_single ??= new AmiParser(int.MaxValue - 2, expectBanner: false);

    /// <summary>Parses <paramref name="array"/>[start..start+length], which must hold exactly one whole message (what
    /// <see cref="AmiMessage.RawBytes"/> gave: headers and the blank line), e.g. an event kept as received in a journal.
    /// The message reads the array in place (no copy): the caller must not change those bytes afterwards. Throws
    /// <see cref="FormatException"/> when the bytes are anything else.</summary>
    public static AmiMessage ParseMessage(byte[] array, int start, int length)
    {
        var block = array.AsSpan(start, length);
        AmiMessage? message = null;
        string? reason = "empty";
        var consumed = block.IsEmpty ? -1 : Single.ParseContiguous(block, out message, out reason, array, start);
        if (consumed != block.Length)
            throw new FormatException($"not one whole AMI message: {(consumed < 0 ? "no blank line ends it" : $"{block.Length - consumed} bytes follow its end")}");
        return message ?? throw new FormatException($"malformed AMI message: {reason}");
    }

    /// <summary>The offset table of a well-formed message read in place (see <see cref="AmiMessage"/>'s view).</summary>
    internal static int[] OffsetsOf(byte[] bytes, int start, int length, int count)
    {
        var offsets = ScratchOffsetsOf(bytes, start, length, count).ToArray();
        for (var o = 0; o < offsets.Length; o += 4)
        {
            offsets[o] += start;
            offsets[o + 2] += start;
        }
        return offsets;
    }

    /// <summary>The header offsets of a message read in place, relative to <paramref name="start"/>, in this thread's
    /// scratch table: valid until the next parse on this thread (read them at once, keep nothing).</summary>
    internal static ReadOnlySpan<int> ScratchOffsetsOf(byte[] bytes, int start, int length, int count)
    {
        var parser = Single;
        if (parser.ParseContiguous(bytes.AsSpan(start, length), out _, out var reason, bytes, start, build: false) != length ||
            reason is not null || parser._lastCount != count)
            throw new InvalidOperationException("an AMI message read in place changed");
        return parser._scratch.AsSpan(0, count * 4);
    }

    /// <summary>Parses every complete message in <paramref name="bytes"/> (a capture file, a test fixture).</summary>
    public IReadOnlyList<AmiMessage> ParseAll(ReadOnlyMemory<byte> bytes)
    {
        var list = new List<AmiMessage>();
        var seq = new ReadOnlySequence<byte>(bytes);
        while (TryRead(ref seq, out var m)) list.Add(m);
        return list;
    }

    private int _lastCount; // headers of the last message ParseContiguous indexed

    /// <summary>Parses the message at the start of <paramref name="span"/> in one pass. Returns its length (blank line
    /// included) or -1 when the span holds no complete message; <paramref name="message"/> is null when it was
    /// malformed (<paramref name="reason"/> says why).</summary>
    /// <param name="build">false: only index the headers into the scratch table (<see cref="_lastCount"/> says how many),
    /// no message object.</param>
    private int ParseContiguous(ReadOnlySpan<byte> span, out AmiMessage? message, out string? reason, byte[]? viewOf = null, int viewStart = 0,
        bool build = true)
    {
        var pos = 0;
        var count = 0;
        var kind = AmiMessageKind.Unknown;
        reason = null;
        message = null;
        while (true)
        {
            var rest = span[pos..];
            var nl = rest.IndexOf((byte)'\n');
            if (nl < 0) return -1;
            var contentLength = nl > 0 && rest[nl - 1] == (byte)'\r' ? nl - 1 : nl;
            if (contentLength == 0)
            {
                var length = pos + nl + 1;
                if (reason is not null) return length;
                if (count == 0)
                {
                    reason = "empty message";
                    return length;
                }
                if (length > _maxMessageBytes + 2) return length; // the caller counts it; do not copy it
                _lastCount = count;
                if (!build) return length;
                // No offset table is kept: lookups by name scan the bytes, and one is built only if a header is asked
                // for by index. A message waits in buffers and lives as long as its call: a table of 4 ints per
                // header would double what each one holds (and what the collector copies).
                message = viewOf is null
                    ? new AmiMessage(kind, span[..length].ToArray(), 0, length, count)
                    : new AmiMessage(kind, viewOf, viewStart, length, count);
                return length;
            }
            if (reason is null)
            {
                var line = rest[..contentLength];
                // Keys are short: one scalar loop finds the colon and checks the key is printable ASCII.
                var c = 0;
                while (c < line.Length && line[c] != (byte)':' && line[c] - 0x20u <= 0x7e - 0x20) c++;
                if (c == line.Length)
                    reason = "line without a ':' separator";
                else if (line[c] != (byte)':')
                    reason = "header key with control or non-ASCII bytes";
                else if (c == 0)
                    reason = "header line with an empty key";
                else
                {
                    if (kind != AmiMessageKind.Event)
                    {
                        if (c == 5 && Ascii.EqualsIgnoreCase(line[..5], "Event"u8)) kind = AmiMessageKind.Event;
                        else if (c == 8 && kind == AmiMessageKind.Unknown && Ascii.EqualsIgnoreCase(line[..8], "Response"u8))
                            kind = AmiMessageKind.Response;
                    }
                    if ((count + 1) * 4 > _scratch.Length) Array.Resize(ref _scratch, _scratch.Length * 2);
                    var valueStart = c + 1;
                    if (valueStart < line.Length && line[valueStart] == (byte)' ') valueStart++;
                    var o = count++ * 4;
                    _scratch[o] = pos;
                    _scratch[o + 1] = c;
                    _scratch[o + 2] = pos + valueStart;
                    _scratch[o + 3] = line.Length - valueStart;
                }
            }
            pos += nl + 1;
        }
    }

    /// <summary>Indexes the headers of one complete message.</summary>
    private static bool Build(byte[] bytes, out AmiMessage message, out string reason)
    {
        var span = bytes.AsSpan();
        var legacy = StartsWithFollows(span);
        var lines = span.Count((byte)'\n');
        var offsets = new int[lines * 4];
        var count = 0;
        var kind = AmiMessageKind.Unknown;
        var inBody = false;
        var pos = 0;
        reason = "";
        message = null!;

        while (pos < span.Length)
        {
            var nl = span[pos..].IndexOf((byte)'\n');
            var lineEnd = nl < 0 ? span.Length : pos + nl;
            var contentEnd = lineEnd > pos && span[lineEnd - 1] == (byte)'\r' ? lineEnd - 1 : lineEnd;
            var line = span[pos..contentEnd];
            var next = lineEnd + 1;

            if (legacy && count > 0)
            {
                var end = line.IndexOf(EndCommand);
                if (end >= 0) line = line[..end];
                var colon = line.IndexOf((byte)':');
                if (!inBody && end < 0 && colon > 0 && IsLegacyHeader(line[..colon]))
                {
                    AddHeader(offsets, ref count, pos, colon, line);
                }
                else
                {
                    inBody = true;
                    if (end < 0 || line.Length > 0)
                    {
                        var o = count++ * 4;
                        offsets[o] = AmiMessage.OutputKey;
                        offsets[o + 2] = pos;
                        offsets[o + 3] = line.Length;
                    }
                    if (end >= 0) legacy = false; // what follows --END COMMAND-- is the blank line
                }
                pos = next;
                continue;
            }

            if (line.IsEmpty) break;
            var c = line.IndexOf((byte)':');
            if (c <= 0)
            {
                reason = c == 0 ? "header line with an empty key" : "line without a ':' separator";
                return false;
            }
            var key = line[..c];
            if (key.IndexOfAnyExceptInRange((byte)0x20, (byte)0x7e) >= 0)
            {
                reason = "header key with control or non-ASCII bytes";
                return false;
            }
            if (kind != AmiMessageKind.Event)
            {
                if (Ascii.EqualsIgnoreCase(key, "Event"u8)) kind = AmiMessageKind.Event;
                else if (kind == AmiMessageKind.Unknown && Ascii.EqualsIgnoreCase(key, "Response"u8))
                    kind = AmiMessageKind.Response;
            }
            AddHeader(offsets, ref count, pos, c, line);
            pos = next;
        }

        if (count == 0)
        {
            reason = "empty message";
            return false;
        }
        message = new AmiMessage(kind, bytes, offsets, count);
        return true;
    }

    private static bool IsLegacyHeader(ReadOnlySpan<byte> key) =>
        Ascii.EqualsIgnoreCase(key, "Privilege"u8) || Ascii.EqualsIgnoreCase(key, "ActionID"u8) ||
        Ascii.EqualsIgnoreCase(key, "Message"u8);

    private static void AddHeader(int[] offsets, ref int count, int lineStart, int colon, ReadOnlySpan<byte> line)
    {
        var valueStart = colon + 1;
        if (valueStart < line.Length && line[valueStart] == (byte)' ') valueStart++;
        var o = count++ * 4;
        offsets[o] = lineStart;
        offsets[o + 1] = colon;
        offsets[o + 2] = lineStart + valueStart;
        offsets[o + 3] = line.Length - valueStart;
    }

    private void Report(AmiParseErrorKind kind, string reason, in ReadOnlySequence<byte> bytes)
    {
        var sample = bytes.Slice(0, Math.Min(bytes.Length, 80)).ToArray();
        var error = new AmiParseError(kind, reason, Encoding.UTF8.GetString(sample).Replace("\r", "\\r").Replace("\n", "\\n"));
        LastError = error;
        ErrorObserved?.Invoke(error);
    }
}
