using System.Buffers;

namespace Telephony.Ami.Tests.Protocol;

/// <summary>Builds a multi-segment <see cref="ReadOnlySequence{T}"/>, as a socket's pipe hands it over.</summary>
internal sealed class Segments : ReadOnlySequenceSegment<byte>
{
    private Segments(ReadOnlyMemory<byte> memory, long runningIndex)
    {
        Memory = memory;
        RunningIndex = runningIndex;
    }

    public static ReadOnlySequence<byte> Build(IReadOnlyList<byte[]> chunks)
    {
        if (chunks.Count == 0) return ReadOnlySequence<byte>.Empty;
        var first = new Segments(chunks[0], 0);
        var last = first;
        for (var i = 1; i < chunks.Count; i++)
        {
            var next = new Segments(chunks[i], last.RunningIndex + last.Memory.Length);
            last.Next = next;
            last = next;
        }
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }
}
