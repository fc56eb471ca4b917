using System.Globalization;

namespace Telephony.Actors.Calls;

/// <summary>
/// What a call remembers of an event's identity: an identity in the standard form (<c>cel1:</c> or <c>cdr1:</c> and
/// 32 hex digits, see <c>EventIdentity</c>) as its 128 bits and kind, with no string; any other identity (events built
/// from headers by tests or imports) as its text. A billed call keeps only these for as long as it stays in memory, so
/// their size is most of what it holds. Two keys are equal exactly when the identity texts are.
/// </summary>
internal readonly record struct IdentityKey(ulong High, ulong Low, byte Kind, string? Text)
{
    private const byte Cel = 1, Cdr = 2;

    public static IdentityKey Of(string identity)
    {
        if (identity.Length == 37 &&
            (identity.StartsWith("cel1:", StringComparison.Ordinal) || identity.StartsWith("cdr1:", StringComparison.Ordinal)) &&
            IsLowerHex(identity.AsSpan(5)) &&
            ulong.TryParse(identity.AsSpan(5, 16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var high) &&
            ulong.TryParse(identity.AsSpan(21, 16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var low))
            return new IdentityKey(high, low, identity[1] == 'e' ? Cel : Cdr, null);
        return new IdentityKey(0, 0, 0, identity);
    }

    /// <summary>The identity's text: <see cref="Text"/>, or the standard form spelled from the bits (the inverse of
    /// <see cref="Of"/>).</summary>
    public string ToText() => Text ?? string.Create(37, this, static (chars, key) =>
    {
        (key.Kind == Cel ? "cel1:" : "cdr1:").AsSpan().CopyTo(chars);
        key.High.TryFormat(chars[5..], out _, "x16", CultureInfo.InvariantCulture);
        key.Low.TryFormat(chars[21..], out _, "x16", CultureInfo.InvariantCulture);
    });

    // Only the form EventIdentity writes (lower-case digits) is packed: an upper-case spelling is another text, and
    // must stay another key.
    private static bool IsLowerHex(ReadOnlySpan<char> digits) => !digits.ContainsAnyExcept(LowerHexDigits);

    private static readonly System.Buffers.SearchValues<char> LowerHexDigits = System.Buffers.SearchValues.Create("0123456789abcdef");
}
