using System.Text;

namespace Telephony.Ami.Protocol;

/// <summary>What a message on the manager connection is. <c>Event:</c> wins over <c>Response:</c>
/// (OriginateResponse carries both).</summary>
public enum AmiMessageKind
{
    Unknown = 0,
    Banner,
    Response,
    Event,
}

/// <summary>
/// One AMI message as it came off the wire: the raw bytes plus the offsets of every header, in order, repeated ones
/// included. Keys and values are decoded on demand, so parsing costs one copy and one small offset table; lookups are
/// ASCII case-insensitive (Asterisk writes both <c>UniqueID</c> and <c>Uniqueid</c>). Immutable and thread-safe.
/// </summary>
public sealed class AmiMessage
{
    internal const int OutputKey = -1; // a legacy "Response: Follows" body line: key is "Output", not in the bytes

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    private readonly byte[] _bytes;
    private readonly int _start; // the message is _bytes[_start.._start+_length]
    private readonly int _length;
    private int[]? _offsets; // per header: keyStart, keyLength, valueStart, valueLength (in _bytes); null until asked for by index
    private string? _eventName;
    private string? _bannerText;

    internal AmiMessage(AmiMessageKind kind, byte[] bytes, int[] offsets, int headerCount)
    {
        Kind = kind;
        _bytes = bytes;
        _length = bytes.Length;
        _offsets = offsets;
        Count = headerCount;
    }

    /// <summary>A message that was already checked to be well formed, in its own array (from the socket) or read in place
    /// from a larger one (a journal row): no offset table until a header is asked for by index (lookups by name scan
    /// the bytes).</summary>
    internal AmiMessage(AmiMessageKind kind, byte[] bytes, int start, int length, int headerCount)
    {
        Kind = kind;
        _bytes = bytes;
        _start = start;
        _length = length;
        Count = headerCount;
    }

    private int[] Offsets => _offsets ??= AmiParser.OffsetsOf(_bytes, _start, _length, Count);

    internal static AmiMessage ForBanner(byte[] line)
    {
        var m = new AmiMessage(AmiMessageKind.Banner, line, [], 0);
        m._bannerText = Utf8.GetString(line).TrimEnd('\r', '\n');
        return m;
    }

    public AmiMessageKind Kind { get; }

    /// <summary>Number of headers (repeated ones count each time).</summary>
    public int Count { get; }

    /// <summary>The client session (1 for the first login, then one more per reconnect) an event arrived on; 0 for
    /// messages not read by <c>AmiClient</c>. Asterisk repeats byte-identical events within a session (DTMF digits
    /// within one second) and never replays a session's events: a consumer numbering repeats counts them per
    /// session.</summary>
    public int Session { get; internal set; }

    /// <summary>The bytes of the message as received, terminator included.</summary>
    public ReadOnlyMemory<byte> RawBytes => new(_bytes, _start, _length);

    /// <summary>For <see cref="AmiMessageKind.Banner"/>: e.g. <c>Asterisk Call Manager/9.0.0</c>.</summary>
    public string? BannerText => _bannerText;

    public bool IsEvent => Kind == AmiMessageKind.Event;
    public bool IsResponse => Kind == AmiMessageKind.Response;

    /// <summary>The <c>Event</c> header, cached.</summary>
    public string? EventName => _eventName ??= GetSharedValue("Event"); // few distinct names: one string each, not one per message

    public string? ResponseStatus => this["Response"];
    public string? ActionId => this["ActionID"];
    public string? MessageText => this["Message"];

    public bool IsSuccess => string.Equals(ResponseStatus, "Success", StringComparison.OrdinalIgnoreCase);

    public string GetKey(int index)
    {
        var o = CheckIndex(index);
        var offsets = Offsets;
        return offsets[o] == OutputKey ? "Output" : HeaderKeys.Get(_bytes.AsSpan(offsets[o], offsets[o + 1]));
    }

    public string GetValue(int index)
    {
        var o = CheckIndex(index);
        var offsets = Offsets;
        return Utf8.GetString(_bytes, offsets[o + 2], offsets[o + 3]);
    }

    /// <summary>The first value of <paramref name="key"/> as a shared string (<see cref="HeaderKeys"/>), or null: for
    /// headers with few distinct values (<c>EventName</c>, <c>AMAFlags</c>), read often, that should not cost a string
    /// each time.</summary>
    public string? GetSharedValue(string key) => TryGetValueBytes(key, out var value) ? HeaderKeys.Get(value) : null;

    public ReadOnlySpan<byte> GetValueBytes(int index)
    {
        var o = CheckIndex(index);
        var offsets = Offsets;
        return _bytes.AsSpan(offsets[o + 2], offsets[o + 3]);
    }

    /// <summary>The first value of <paramref name="key"/> (case-insensitive), or null.</summary>
    public string? this[string key] => TryGetValue(key, out var v) ? v : null;

    public bool TryGetValue(string key, out string value)
    {
        var found = TryGetValueBytes(key, out var bytes);
        value = found ? Utf8.GetString(bytes) : "";
        return found;
    }

    /// <summary>The first value of <paramref name="key"/> as its bytes (no string made), or false.</summary>
    public bool TryGetValueBytes(string key, out ReadOnlySpan<byte> value)
    {
        if (_offsets is null)
        {
            var found = Scan(key, out var at, out var length);
            value = found ? _bytes.AsSpan(at, length) : default;
            return found;
        }
        var i = IndexOf(key, 0);
        value = i < 0 ? default : GetValueBytes(i);
        return i >= 0;
    }

    public bool Has(string key) => _offsets is null ? Scan(key, out _, out _) : IndexOf(key, 0) >= 0;

    /// <summary>The first header named <paramref name="key"/> found by scanning the lines (a view without its offset
    /// table): the same header <see cref="IndexOf"/> finds, since a key is everything before the line's first colon.</summary>
    private bool Scan(string key, out int valueStart, out int valueLength)
    {
        var span = _bytes.AsSpan(_start, _length);
        var pos = 0;
        while (pos < span.Length)
        {
            var rest = span[pos..];
            var nl = rest.IndexOf((byte)'\n');
            if (nl < 0) break;
            var line = rest[..(nl > 0 && rest[nl - 1] == (byte)'\r' ? nl - 1 : nl)];
            if (line.IsEmpty) break;
            if (ValueOf(line, key) is var vs and >= 0)
            {
                valueStart = _start + pos + vs;
                valueLength = line.Length - vs;
                return true;
            }
            pos += nl + 1;
        }
        valueStart = valueLength = 0;
        return false;
    }

    /// <summary>The first values of two keys (case-insensitive; null when absent) in one pass over the message, decoded
    /// through <paramref name="values"/> when given: what a router reads of every event (a CEL's UniqueID and LinkedID),
    /// for half the scanning of two lookups.</summary>
    public (string? First, string? Second) GetPair(string firstKey, string secondKey, HeaderValueCache? values = null)
    {
        if (_offsets is not null) return (this[firstKey], this[secondKey]);
        var span = _bytes.AsSpan(_start, _length);
        int firstAt = -1, firstLength = 0, secondAt = -1, secondLength = 0;
        var pos = 0;
        while (pos < span.Length && (firstAt < 0 || secondAt < 0))
        {
            var rest = span[pos..];
            var nl = rest.IndexOf((byte)'\n');
            if (nl < 0) break;
            var line = rest[..(nl > 0 && rest[nl - 1] == (byte)'\r' ? nl - 1 : nl)];
            if (line.IsEmpty) break;
            if (firstAt < 0 && ValueOf(line, firstKey) is var f and >= 0)
                (firstAt, firstLength) = (pos + f, line.Length - f);
            else if (secondAt < 0 && ValueOf(line, secondKey) is var v and >= 0)
                (secondAt, secondLength) = (pos + v, line.Length - v);
            pos += nl + 1;
        }
        return (Decode(firstAt, firstLength), Decode(secondAt, secondLength));

        string? Decode(int at, int length) => at < 0 ? null
            : values is null ? Utf8.GetString(_bytes, _start + at, length) : values.Get(_bytes.AsSpan(_start + at, length));
    }

    /// <summary>Where the value starts in <paramref name="line"/> when its key is <paramref name="key"/>, else -1.</summary>
    private static int ValueOf(ReadOnlySpan<byte> line, string key)
    {
        if (line.Length <= key.Length || line[key.Length] != (byte)':' || !AsciiEqualsIgnoreCase(line[..key.Length], key)) return -1;
        var vs = key.Length + 1;
        return vs < line.Length && line[vs] == (byte)' ' ? vs + 1 : vs;
    }

    /// <summary>Every value of <paramref name="key"/>, in order (e.g. <c>Output</c>, <c>ChanVariable</c>).</summary>
    public IReadOnlyList<string> GetValues(string key)
    {
        List<string>? values = null;
        for (var i = IndexOf(key, 0); i >= 0; i = IndexOf(key, i + 1))
            (values ??= []).Add(GetValue(i));
        return values ?? (IReadOnlyList<string>)[];
    }

    /// <summary>Lines of CLI output: the <c>Output:</c> headers (Asterisk 14+) or the body of a legacy
    /// <c>Response: Follows</c> message.</summary>
    public IReadOnlyList<string> OutputLines => GetValues("Output");

    /// <summary>All headers in order, decoded.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers => GetHeaders(null);

    /// <summary>Every header in wire order, values decoded through <paramref name="values"/> when given (equal strings,
    /// shared with other messages: see <see cref="HeaderValueCache"/>).</summary>
    public KeyValuePair<string, string>[] GetHeaders(HeaderValueCache? values)
    {
        var list = new KeyValuePair<string, string>[Count];
        GetHeaders(values, list);
        return list;
    }

    /// <summary>Every header in wire order into <paramref name="list"/> (its first <see cref="Count"/> slots): for a
    /// reader that decodes message after message into one array and keeps none of them (see <see cref="HeaderView"/>).</summary>
    public void GetHeaders(HeaderValueCache? values, Span<KeyValuePair<string, string>> list)
    {
        if (list.Length < Count) throw new ArgumentException($"room for {list.Length} headers, the message has {Count}", nameof(list));
        // A message without its table is decoded from one made for this call only (relative to the message's
        // start): the decoded list is what a caller keeps, not the table.
        // _offsets read once: another thread may build the table meanwhile (a header read by index), and the table and
        // its shift must come from the same side.
        var offsets = _offsets;
        ReadOnlySpan<int> table = offsets ?? AmiParser.ScratchOffsetsOf(_bytes, _start, _length, Count);
        var shift = offsets is null ? _start : 0;
        for (var i = 0; i < Count; i++)
        {
            var o = i * 4;
            string key;
            if (table[o] == OutputKey) key = "Output";
            else
            {
                var name = _bytes.AsSpan(shift + table[o], table[o + 1]);
                key = values is null ? HeaderKeys.Get(name) : values.GetKey(name);
            }
            var value = _bytes.AsSpan(shift + table[o + 2], table[o + 3]);
            list[i] = new(key, values is null ? Utf8.GetString(value) : values.Get(value));
        }
    }

    /// <summary>The headers as a list that decodes a header when it is read (names shared, values new strings): what a
    /// decoded record keeps as its raw headers. Costs one small object instead of a decoded array per message, and the
    /// message's bytes are kept anyway.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> HeaderView => new AmiHeaderView(this);

    private sealed class AmiHeaderView(AmiMessage message) : IReadOnlyList<KeyValuePair<string, string>>
    {
        public int Count => message.Count;
        public KeyValuePair<string, string> this[int index] => new(message.GetKey(index), message.GetValue(index));

        public IEnumerator<KeyValuePair<string, string>> GetEnumerator()
        {
            for (var i = 0; i < message.Count; i++) yield return this[i];
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <summary>Index of the first header named <paramref name="key"/> at or after <paramref name="start"/>, or -1.</summary>
    public int IndexOf(string key, int start)
    {
        var offsets = Count > start ? Offsets : [];
        for (var i = start; i < Count; i++)
        {
            var o = i * 4;
            if (offsets[o] == OutputKey)
            {
                if (key.Equals("Output", StringComparison.OrdinalIgnoreCase)) return i;
                continue;
            }
            if (AsciiEqualsIgnoreCase(_bytes.AsSpan(offsets[o], offsets[o + 1]), key)) return i;
        }
        return -1;
    }

    public override string ToString() =>
        Kind == AmiMessageKind.Banner ? _bannerText ?? "" : Utf8.GetString(_bytes, _start, _length).TrimEnd('\r', '\n');

    private int CheckIndex(int index)
    {
        if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index));
        return index * 4;
    }

    private static bool AsciiEqualsIgnoreCase(ReadOnlySpan<byte> bytes, string key)
    {
        if (bytes.Length != key.Length) return false;
        for (var i = 0; i < bytes.Length; i++)
        {
            var b = bytes[i];
            var c = key[i];
            if (b == c) continue;
            if ((b | 0x20) != (c | 0x20) || (uint)((b | 0x20) - 'a') > 'z' - 'a') return false;
        }
        return true;
    }

    /// <summary>Builds a message from headers (for the simulator and tests): serialised with the wire writer and parsed
    /// back, so a built message is exactly what a peer would receive.</summary>
    public static AmiMessage From(IEnumerable<KeyValuePair<string, string>> headers)
    {
        var writer = new AmiMessageWriter();
        foreach (var (k, v) in headers) writer.Add(k, v);
        var bytes = writer.ToArray();
        var parser = new AmiParser(expectBanner: false);
        var seq = new System.Buffers.ReadOnlySequence<byte>(bytes);
        if (!parser.TryRead(ref seq, out var m)) throw new InvalidOperationException("built message did not parse");
        return m;
    }

    public static AmiMessage From(params (string Key, string Value)[] headers) =>
        From(headers.Select(h => new KeyValuePair<string, string>(h.Key, h.Value)));
}

/// <summary>
/// Shared header strings. Every event repeats the same twenty-odd names (and a few values of few kinds: Event,
/// EventName, AMAFlags...); a call entity keeps its events' headers until it completes, so one instance per name
/// instead of one per event is a large share of the heap under load. A lock-free pool looked up by the raw UTF-8 bytes
/// (no string made to look it up); bounded, so a peer sending garbage cannot grow it without limit (past the bound
/// strings are decoded as usual). Used by the parser and by the journal's deserializer.
/// </summary>
public static class HeaderKeys
{
    private const int MaxNames = 4096;
    private const int MaxLength = 64;
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> Names = new(StringComparer.Ordinal);
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    /// <summary>The shared string for these UTF-8 bytes (ASCII up to 64 bytes), or a new one.</summary>
    public static string Get(ReadOnlySpan<byte> key)
    {
        if (key.Length > MaxLength || !System.Text.Ascii.IsValid(key)) return Utf8.GetString(key);
        Span<char> chars = stackalloc char[key.Length];
        System.Text.Ascii.ToUtf16(key, chars, out _);
        var lookup = Names.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(chars, out var shared)) return shared;
        if (Names.Count >= MaxNames) return new string(chars);
        // Interned: the same instance as the literal a lookup asks for ("UniqueID"), so matching it is one comparison.
        // Bounded by MaxNames like the pool.
        var name = string.Intern(new string(chars));
        return Names.GetOrAdd(name, name);
    }
}
