using System.Diagnostics.CodeAnalysis;

namespace Telephony.Domain.Validation;

/// <summary>Either a parsed value or the reason it was refused. Factories return this instead of throwing, so a
/// malformed record coming off the wire is a counted, quarantined event, never an exception in the reader.</summary>
public readonly struct ParseResult<T> where T : class
{
    private ParseResult(T? value, ValidationError? error)
    {
        Value = value;
        Error = error;
    }

    public T? Value { get; }
    public ValidationError? Error { get; }

    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsValid => Value is not null;

    public static ParseResult<T> Ok(T value) => new(value ?? throw new ArgumentNullException(nameof(value)), null);
    public static ParseResult<T> Fail(ValidationError error) => new(null, error ?? throw new ArgumentNullException(nameof(error)));

    public static implicit operator ParseResult<T>(ValidationError error) => Fail(error);

    /// <summary>The value, or an <see cref="InvalidOperationException"/> naming the validation error (for tests and
    /// for callers that have already validated).</summary>
    public T GetValueOrThrow() =>
        Value ?? throw new InvalidOperationException($"invalid {typeof(T).Name}: {Error}");

    public override string ToString() => IsValid ? Value.ToString() ?? "" : $"invalid: {Error}";
}
