using Telephony.Domain.Billing.Interpretation;
using Telephony.Domain.Cel;
using Telephony.Domain.Tests.Support;

namespace Telephony.Domain.Tests.Billing;

/// <summary>The interpreter is a chain of maps from event type to handler: a deployment adds its own link without
/// touching the others.</summary>
public sealed class InterpreterChainTests
{
    private sealed class StreamCounter : CelInterpreter
    {
        public int Streams { get; private set; }
        public StreamCounter() => On([CelEventType.StreamBegin, CelEventType.StreamEnd], (_, _, _) => Streams++);
    }

    [Fact]
    public void A_custom_interpreter_in_the_chain_sees_the_events_of_its_types()
    {
        var counter = new StreamCounter();
        var interpreter = new CelBillingInterpreter([.. CelBillingInterpreter.DefaultChain(), counter]);

        var record = interpreter.InterpretCall(Captures.Cel("answered"));

        Assert.Equal(2, counter.Streams); // Playback(probe-tone): STREAM_BEGIN + STREAM_END
        Assert.Equal(3, record.BillableSeconds);
    }

    [Fact]
    public void Each_default_interpreter_declares_only_the_types_it_handles()
    {
        var byType = CelBillingInterpreter.DefaultChain()
            .ToDictionary(i => i.GetType().Name, i => i.Handlers.Keys.ToHashSet());

        Assert.Equal([CelEventType.BlindTransfer, CelEventType.AttendedTransfer], byType[nameof(TransferInterpreter)]);
        Assert.Equal([CelEventType.LocalOptimizeBegin, CelEventType.LocalOptimize], byType[nameof(LocalChannelInterpreter)]);
        Assert.Equal([CelEventType.BridgeEnter, CelEventType.BridgeExit], byType[nameof(BridgeInterpreter)]);
        Assert.Equal([CelEventType.UserDefined, CelEventType.Unknown], byType[nameof(UserEventInterpreter)]);
        Assert.Equal(Enum.GetValues<CelEventType>().Length, byType[nameof(QueueInterpreter)].Count);
        Assert.Equal(Enum.GetValues<CelEventType>().Length, byType[nameof(SegmentInterpreter)].Count); // the timeline logs every event
    }

    [Fact]
    public void Events_of_another_linkedid_are_left_out_with_a_note()
    {
        var answered = Captures.Cel("answered");
        var stray = Captures.Cel("busy")[0];

        var record = new CelBillingInterpreter().InterpretCall([.. answered, stray]);

        Assert.Equal(answered[0].LinkedId, record.LinkedId);
        Assert.Equal(3, record.DurationSeconds);
        Assert.Contains(record.Notes, n => n.Contains(stray.LinkedId, StringComparison.Ordinal));
    }

    [Fact]
    public void A_call_interpreted_before_its_linkedid_end_says_it_is_not_complete()
    {
        var partial = Captures.Cel("dial-answered").TakeWhile(c => c.Type != CelEventType.Hangup).ToList();

        var record = new CelBillingInterpreter().InterpretCall(partial);

        Assert.False(record.IsComplete);
        Assert.Empty(record.ChannelsMovedAway);
        Assert.Contains(record.Notes, n => n.Contains("LINKEDID_END", StringComparison.Ordinal));
    }
}
