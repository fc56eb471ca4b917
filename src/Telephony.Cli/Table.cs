namespace Telephony.Cli;

/// <summary>Rows as left-aligned columns two spaces apart, each as wide as its widest cell; the last one is not padded.</summary>
internal static class Table
{
    public static IEnumerable<string> Format(IReadOnlyList<string> header, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Select(r => r[i].Length).DefaultIfEmpty(0).Max())).ToArray();
        foreach (var row in rows.Prepend(header))
            yield return string.Join("  ", row.Select((cell, i) => i == row.Count - 1 ? cell : cell.PadRight(widths[i]))).TrimEnd();
    }
}
