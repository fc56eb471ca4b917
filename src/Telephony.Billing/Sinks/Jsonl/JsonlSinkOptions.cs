namespace Telephony.Billing.Sinks.Jsonl;

/// <summary>How a JSONL sink rotates its files (the folder is the sink's connection string).</summary>
public sealed record JsonlSinkOptions
{
    /// <summary>A file that would grow past this many bytes is closed and the next row starts a new one (a single row
    /// larger than this still gets a file of its own).</summary>
    public long MaxFileBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>A file older than this is closed at the next batch and a new one started; null: rotate by size only.</summary>
    public TimeSpan? RotateEvery { get; init; }

    internal void Validate(string sink)
    {
        if (MaxFileBytes < 1)
            throw new ArgumentException($"billing sink '{sink}': Jsonl:MaxFileBytes must be at least 1 (was {MaxFileBytes})");
        if (RotateEvery is { } every && every <= TimeSpan.Zero)
            throw new ArgumentException($"billing sink '{sink}': Jsonl:RotateEvery must be positive (was {every})");
    }
}
