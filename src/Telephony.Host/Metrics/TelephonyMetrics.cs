using System.Diagnostics.Metrics;

namespace Telephony.Host.Metrics;

/// <summary>
/// The member's metrics as System.Diagnostics.Metrics instruments (exported in Prometheus' text format at
/// <c>/metrics</c> by OpenTelemetry): one observable instrument per name, each reading the last
/// <see cref="MetricsSnapshot"/> the collector took, so that a scrape never waits on an actor.
/// </summary>
public sealed class TelephonyMetrics : IDisposable
{
    public const string MeterName = "Telephony";
    private readonly Meter _meter = new(MeterName);
    private volatile ILookup<string, MetricPoint> _byName = MetricsSnapshot.Empty.Points().ToLookup(p => p.Name);

    public TelephonyMetrics()
    {
        foreach (var (name, help) in MetricsSnapshot.CounterNames)
            _meter.CreateObservableCounter(name, () => Measure(name), unit: null, description: help);
        foreach (var (name, help) in MetricsSnapshot.GaugeNames)
            _meter.CreateObservableGauge(name, () => Measure(name), unit: null, description: help);
    }

    public void Update(MetricsSnapshot snapshot) => _byName = snapshot.Points().ToLookup(p => p.Name);

    private IEnumerable<Measurement<double>> Measure(string name) =>
        _byName[name].Select(p => new Measurement<double>(p.Value, p.Labels.ToArray()));

    public void Dispose() => _meter.Dispose();
}
