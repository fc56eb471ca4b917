using Telephony.Billing.Rows;
using Telephony.Billing.Sinks;

namespace Telephony.Billing.Tests;

/// <summary>A sink that fails every write (and offset read) while <see cref="Failing"/> is set, as a database that is
/// down would.</summary>
public sealed class FlakySink(IBillingSink inner) : BillingSinkDecorator(inner)
{
    public volatile bool Failing;
    private int _failures;
    public int Failures => Volatile.Read(ref _failures);

    public override Task<long> ReadOffsetAsync(string projection, CancellationToken ct) =>
        Failing ? Fail<long>() : base.ReadOffsetAsync(projection, ct);

    public override Task WriteAsync(ProjectionBatch batch, CancellationToken ct) =>
        Failing ? Fail<bool>() : base.WriteAsync(batch, ct);

    private Task<T> Fail<T>()
    {
        Interlocked.Increment(ref _failures);
        return Task.FromException<T>(new InvalidOperationException("billing database unavailable (test)"));
    }
}

/// <summary>A sink pointed at a real but wrong MariaDB endpoint (connection refused) until <see cref="Fix"/> is called,
/// then at the right one.</summary>
public sealed class MisconfiguredSink(IBillingSink broken, IBillingSink good) : BillingSinkDecorator(good)
{
    private volatile bool _fixed;
    public void Fix() => _fixed = true;
    private IBillingSink Current => _fixed ? Inner : broken;
    public override Task<long> ReadOffsetAsync(string projection, CancellationToken ct) => Current.ReadOffsetAsync(projection, ct);
    public override Task WriteAsync(ProjectionBatch batch, CancellationToken ct) => Current.WriteAsync(batch, ct);
}

/// <summary>A slow sink: every write waits <see cref="Delay"/> first. Counts the writes begun and finished.</summary>
public sealed class ThrottledSink(IBillingSink inner) : BillingSinkDecorator(inner)
{
    private int _begun, _finished;
    public TimeSpan Delay { get; set; } = TimeSpan.FromMilliseconds(400);
    public int Begun => Volatile.Read(ref _begun);
    public int Finished => Volatile.Read(ref _finished);

    public override async Task WriteAsync(ProjectionBatch batch, CancellationToken ct)
    {
        Interlocked.Increment(ref _begun);
        try
        {
            await Task.Delay(Delay, ct);
            await base.WriteAsync(batch, ct);
        }
        finally
        {
            Interlocked.Increment(ref _finished);
        }
    }
}

/// <summary>A sink slow to say where its projections stopped: every offset read waits <see cref="Delay"/> first (a
/// billing database far away, or busy, when the projections start on another member).</summary>
public sealed class SlowOffsetSink(IBillingSink inner) : BillingSinkDecorator(inner)
{
    public TimeSpan Delay { get; set; } = TimeSpan.FromSeconds(2);

    public override async Task<long> ReadOffsetAsync(string projection, CancellationToken ct)
    {
        await Task.Delay(Delay, ct);
        return await base.ReadOffsetAsync(projection, ct);
    }
}
