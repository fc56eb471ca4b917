using Telephony.Billing.Rows;

namespace Telephony.Billing.Sinks;

/// <summary>
/// Where a projection writes. A sink owns the offsets of its projections: <see cref="WriteAsync"/> stores the rows
/// of a batch and the batch's offset atomically (one database transaction), so a projection that restarts from
/// <see cref="ReadOffsetAsync"/> neither loses nor repeats a batch. Rows also carry natural keys as a second guard.
/// </summary>
public interface IBillingSink
{
    /// <summary>The sink's configured name (<c>mysql</c>, <c>sqlite</c>...): part of every projection name.</summary>
    string Name { get; }

    /// <summary>Which tables this instance writes (for status: <c>cdr</c> or <c>cdr_rebuild</c>).</summary>
    string Tables { get; }

    /// <summary>The journal ordering of the last event the projection has written; 0 when it never wrote. Creates or
    /// migrates the schema first if this instance has not done so yet.</summary>
    Task<long> ReadOffsetAsync(string projection, CancellationToken ct);

    /// <summary>Writes the batch's rows and its offset in one transaction. Throws when anything failed (the projection
    /// backs off and resumes from the stored offset).</summary>
    Task WriteAsync(ProjectionBatch batch, CancellationToken ct);

    /// <summary>Creates empty tables beside the live ones and returns a sink writing into them (offsets included).</summary>
    Task<IBillingSink> BeginRebuildAsync(CancellationToken ct);

    /// <summary>Atomically replaces the live tables with the rebuilt ones (projections of this sink must be stopped).</summary>
    Task CompleteRebuildAsync(CancellationToken ct);
}

/// <summary>A sink around another one (throttling, fault injection, metrics): override what you change.</summary>
public abstract class BillingSinkDecorator(IBillingSink inner) : IBillingSink
{
    protected IBillingSink Inner { get; } = inner;
    public virtual string Name => Inner.Name;
    public virtual string Tables => Inner.Tables;
    public virtual Task<long> ReadOffsetAsync(string projection, CancellationToken ct) => Inner.ReadOffsetAsync(projection, ct);
    public virtual Task WriteAsync(ProjectionBatch batch, CancellationToken ct) => Inner.WriteAsync(batch, ct);
    public virtual Task<IBillingSink> BeginRebuildAsync(CancellationToken ct) => Inner.BeginRebuildAsync(ct);
    public virtual Task CompleteRebuildAsync(CancellationToken ct) => Inner.CompleteRebuildAsync(ct);
}
