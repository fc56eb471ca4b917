namespace Telephony.Domain.Queues;

/// <summary>Names of queues and agents: they go into AMI headers, URLs and queue_log fields, so no separators, no
/// control characters.</summary>
public static class QueueNames
{
    public const string Rule = "1-64 letters, digits, '-', '_', '.'";

    public static bool IsValid(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    /// <summary>A value that can go into an AMI header or a queue_log field unchanged.</summary>
    public static bool IsSafeValue(string? value) =>
        value is not null && value.All(c => !char.IsControl(c) && c != '|');
}
