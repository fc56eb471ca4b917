using System.Buffers;
using System.Text;

namespace Telephony.Ami.Protocol;

/// <summary>Raised when a key or value would break the AMI framing: a CR or LF in a value would let an innocent field
/// (a caller name, a variable) start a new header such as <c>Action: Command</c>.</summary>
public sealed class AmiHeaderInjectionException(string message) : ArgumentException(message);

/// <summary>
/// Writes one AMI message (<c>Key: Value\r\n</c> lines and a blank line). The only place the wire format is written;
/// every key and value is checked before a byte is produced.
/// </summary>
public sealed class AmiMessageWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new(256);
    private bool _finished;

    public AmiMessageWriter Add(string key, string? value)
    {
        if (_finished) throw new InvalidOperationException("message already finished");
        ValidateKey(key);
        value ??= "";
        ValidateValue(key, value);
        Write(key);
        Write(": ");
        Write(value);
        Write("\r\n");
        return this;
    }

    /// <summary>The message bytes, blank line included.</summary>
    public byte[] ToArray()
    {
        if (!_finished)
        {
            Write("\r\n");
            _finished = true;
        }
        return _buffer.WrittenSpan.ToArray();
    }

    public static void ValidateKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length == 0) throw new AmiHeaderInjectionException("AMI header key is empty");
        foreach (var c in key)
        {
            // A key is a token: visible ASCII, no colon (it would end the key early), no spaces.
            if (c <= ' ' || c >= 0x7f || c == ':')
                throw new AmiHeaderInjectionException(
                    $"AMI header key '{Printable(key)}' contains {Describe(c)}; keys must be visible ASCII without ':'");
        }
    }

    public static void ValidateValue(string key, string value)
    {
        foreach (var c in value)
        {
            if (c == '\r' || c == '\n' || c == '\0' || c == '\u0085' || c == '\u2028' || c == '\u2029' ||
                (c < ' ' && c != '\t'))
                throw new AmiHeaderInjectionException(
                    $"AMI header '{key}' value '{Printable(value)}' contains {Describe(c)}, which would break the " +
                    "message framing (header injection); remove it");
        }
    }

    private void Write(string s)
    {
        var span = _buffer.GetSpan(Encoding.UTF8.GetMaxByteCount(s.Length));
        _buffer.Advance(Encoding.UTF8.GetBytes(s, span));
    }

    private static string Describe(char c) => c switch
    {
        '\r' => "a carriage return (CR)",
        '\n' => "a line feed (LF)",
        '\0' => "a NUL byte",
        ':' => "a colon",
        ' ' => "a space",
        _ => $"the character U+{(int)c:X4}",
    };

    private static string Printable(string s)
    {
        var t = s.Replace("\r", "\\r").Replace("\n", "\\n").Replace("\0", "\\0");
        return t.Length > 60 ? t[..60] + "..." : t;
    }
}
