using System.Runtime.CompilerServices;
using Telephony.Domain.Actions;

namespace Telephony.Domain.Tests.Actions;

/// <summary>
/// The request tables next to these tests (Actions/requests/*.txt): one request per line,
/// <c>label | Action | Header: Value | ...</c>, <c>#</c> for comments, <c>\r \n \0</c> as escapes. The label is a
/// name (accepted.txt) or the field the refusal must name (refused.txt).
/// </summary>
public static class RequestTable
{
    public const string Node = "pbx-1";

    public static IReadOnlyList<(string Label, ActionRequest Request)> Load(string fileName)
    {
        var rows = new List<(string, ActionRequest)>();
        var lines = File.ReadAllLines(Path.Combine(Folder(), "requests", fileName));
        for (var n = 0; n < lines.Length; n++)
        {
            var line = lines[n].Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var cells = line.Split('|').Select(c => c.Trim()).ToArray();
            if (cells.Length < 2) throw new FormatException($"{fileName}:{n + 1}: expected 'label | Action | Header: Value ...'");
            var headers = cells.Skip(2).Select(c => Header(c, $"{fileName}:{n + 1}")).ToList();
            rows.Add((cells[0], new ActionRequest(Node, Unescape(cells[1]), headers)));
        }
        return rows;
    }

    public static ActionRequest Get(string fileName, string label) => Load(fileName).Single(r => r.Label == label).Request;

    public static TheoryData<string> Labels(string fileName)
    {
        var data = new TheoryData<string>();
        foreach (var label in Load(fileName).Select(r => r.Label).Distinct()) data.Add(label);
        return data;
    }

    /// <summary>"Key: Value" (the first ": " separates them; "Key:" is an empty value).</summary>
    private static KeyValuePair<string, string> Header(string cell, string where)
    {
        var colon = cell.IndexOf(": ", StringComparison.Ordinal);
        if (colon < 0 && cell.EndsWith(':')) return new(Unescape(cell[..^1]), "");
        if (colon < 0) throw new FormatException($"{where}: '{cell}' is not 'Header: Value'");
        return new(Unescape(cell[..colon]), Unescape(cell[(colon + 2)..]));
    }

    private static string Unescape(string s) => s.Replace("\\r", "\r").Replace("\\n", "\n").Replace("\\0", "\0");

    // The tables live beside this file: the test project copies only tests/fixtures, which this change may not touch.
    private static string Folder([CallerFilePath] string here = "") => Path.GetDirectoryName(here)!;
}
