using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace Telephony.Billing.Sinks.Beanstalkd;

/// <summary>What the server answered to one <c>put</c>.</summary>
public enum PutOutcome
{
    /// <summary><c>INSERTED &lt;id&gt;</c>: the job is in the tube.</summary>
    Inserted,

    /// <summary><c>BURIED &lt;id&gt;</c>: stored but buried (the server could not grow its priority queue): delivered,
    /// waiting for an operator to kick it.</summary>
    Buried,

    /// <summary><c>JOB_TOO_BIG</c>: the body is larger than the server's max-job-size; retrying cannot help.</summary>
    JobTooBig,

    /// <summary><c>DRAINING</c>: the server takes no new jobs for now; retry later.</summary>
    Draining,

    /// <summary><c>OUT_OF_MEMORY</c>: retry later.</summary>
    OutOfMemory,

    /// <summary><c>INTERNAL_ERROR</c>: a server bug; retry later.</summary>
    InternalError,

    /// <summary><c>EXPECTED_CRLF</c>, <c>BAD_FORMAT</c>, <c>UNKNOWN_COMMAND</c> or anything else: the connection is out
    /// of step with the server (our bug); it is closed.</summary>
    ProtocolError,
}

/// <param name="Line">The reply line as received (for errors and logs).</param>
public readonly record struct PutReply(PutOutcome Outcome, ulong JobId, string Line)
{
    public bool IsRetryable => Outcome is PutOutcome.Draining or PutOutcome.OutOfMemory or PutOutcome.InternalError;
}

/// <summary>
/// The part of the beanstalkd protocol (protocol.txt) the sink speaks, in one place: <c>use</c> and <c>put</c> written
/// straight into a buffer, reply lines cut from a <see cref="ReadOnlySequence{T}"/> and parsed without strings on the
/// happy path.
/// </summary>
public static class BeanstalkdProtocol
{
    public const int DefaultPort = 11300;

    /// <summary>Longest tube name the server accepts (bytes).</summary>
    public const int MaxTubeName = 200;

    private static ReadOnlySpan<byte> Crlf => "\r\n"u8;

    /// <summary>Null when <paramref name="tube"/> is a name the server accepts, else why not.</summary>
    public static string? CheckTubeName(string tube)
    {
        if (tube.Length == 0) return "it is empty";
        if (tube.Length > MaxTubeName) return $"it is longer than {MaxTubeName} characters";
        if (tube[0] == '-') return "it starts with '-'";
        foreach (var c in tube)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '+' or '/' or ';' or '.' or '$' or '_' or '(' or ')'))
                return $"'{c}' is not allowed (letters, digits and - + / ; . $ _ ( ) are)";
        return null;
    }

    public static void WriteUse(IBufferWriter<byte> output, string tube)
    {
        output.Write("use "u8);
        Encoding.ASCII.GetBytes(tube, output);
        output.Write(Crlf);
    }

    /// <summary><c>put &lt;pri&gt; &lt;delay&gt; &lt;ttr&gt; &lt;bytes&gt;\r\n&lt;data&gt;\r\n</c>.</summary>
    public static void WritePut(IBufferWriter<byte> output, uint priority, uint delaySeconds, uint ttrSeconds, ReadOnlySpan<byte> body)
    {
        output.Write("put "u8);
        WriteNumber(output, priority);
        output.Write(" "u8);
        WriteNumber(output, delaySeconds);
        output.Write(" "u8);
        WriteNumber(output, ttrSeconds);
        output.Write(" "u8);
        WriteNumber(output, (uint)body.Length);
        output.Write(Crlf);
        output.Write(body);
        output.Write(Crlf);
    }

    /// <summary>Cuts one reply line (without its CRLF) off the front of <paramref name="buffer"/>; false until a whole
    /// line has arrived.</summary>
    public static bool TryReadLine(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> line)
    {
        var reader = new SequenceReader<byte>(buffer);
        if (reader.TryReadTo(out line, Crlf, advancePastDelimiter: true))
        {
            buffer = buffer.Slice(reader.Position);
            return true;
        }
        return false;
    }

    public static PutReply ParsePutReply(ReadOnlySequence<byte> line)
    {
        Span<byte> small = stackalloc byte[64];
        var span = line.IsSingleSegment ? line.FirstSpan : Copy(line, small);
        if (span.StartsWith("INSERTED "u8) && Utf8Parser.TryParse(span[9..], out ulong inserted, out var used) && used == span.Length - 9)
            return new PutReply(PutOutcome.Inserted, inserted, "");
        if (span.StartsWith("BURIED "u8) && Utf8Parser.TryParse(span[7..], out ulong buried, out used) && used == span.Length - 7)
            return new PutReply(PutOutcome.Buried, buried, Encoding.ASCII.GetString(span));
        var text = Encoding.ASCII.GetString(span);
        return text switch
        {
            "JOB_TOO_BIG" => new PutReply(PutOutcome.JobTooBig, 0, text),
            "DRAINING" => new PutReply(PutOutcome.Draining, 0, text),
            "OUT_OF_MEMORY" => new PutReply(PutOutcome.OutOfMemory, 0, text),
            "INTERNAL_ERROR" => new PutReply(PutOutcome.InternalError, 0, text),
            _ => new PutReply(PutOutcome.ProtocolError, 0, text),
        };
    }

    /// <summary>True when <paramref name="line"/> is <c>USING &lt;tube&gt;</c>.</summary>
    public static bool IsUsing(ReadOnlySequence<byte> line, string tube) =>
        Encoding.ASCII.GetString(line) == "USING " + tube;

    private static ReadOnlySpan<byte> Copy(ReadOnlySequence<byte> line, Span<byte> small)
    {
        if (line.Length <= small.Length)
        {
            line.CopyTo(small);
            return small[..(int)line.Length];
        }
        return line.ToArray();
    }

    private static void WriteNumber(IBufferWriter<byte> output, uint value)
    {
        var span = output.GetSpan(10);
        Utf8Formatter.TryFormat(value, span, out var written);
        output.Advance(written);
    }
}
