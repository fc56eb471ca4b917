using Telephony.Ami.Protocol;
using Telephony.Domain.Cdr;
using Telephony.Domain.Cel;

namespace Telephony.Domain.Tests.Support;

/// <summary>The real Asterisk 20.20.1 AMI captures (tests/fixtures/ami-captures), read through the project's own AMI
/// parser and the domain factories. The capture host ran in UTC (UniqueID epoch seconds equal the EventTime text).</summary>
public static class Captures
{
    public static readonly TimeZoneInfo Zone = TimeZoneInfo.Utc;

    public static string Directory => Path.Combine(AppContext.BaseDirectory, "fixtures", "ami-captures");

    public static IReadOnlyList<AmiMessage> Messages(string name) =>
        new AmiParser().ParseAll(File.ReadAllBytes(Path.Combine(Directory, name + ".ami")));

    public static IReadOnlyList<AmiMessage> Events(string name, string eventName) =>
        Messages(name).Where(m => m.IsEvent && string.Equals(m.EventName, eventName, StringComparison.OrdinalIgnoreCase)).ToList();

    public static IReadOnlyList<CelEvent> Cel(string name) =>
        Events(name, "CEL").Select(m => CelEventFactory.Parse(m.Headers, Zone).GetValueOrThrow()).ToList();

    public static IReadOnlyList<CdrRecord> Cdr(string name) =>
        Events(name, "Cdr").Select(m => CdrRecordFactory.Parse(m.Headers, Zone).GetValueOrThrow()).ToList();

    /// <summary>Every capture file name (without extension) that holds CEL events.</summary>
    public static IEnumerable<string> WithCel() =>
        System.IO.Directory.GetFiles(Directory, "*.ami").Select(Path.GetFileNameWithoutExtension).OfType<string>()
            .Where(n => Events(n, "CEL").Count > 0).Order(StringComparer.Ordinal);
}
