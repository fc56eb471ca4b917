namespace Telephony.Simulator.Queue;

/// <summary>One Dial attempt of a queue caller's <c>;2</c> channel: Asterisk forks its Cdr per Dial and writes
/// them all when the channel hangs up (noanswer-then-answer: NO ANSWER 18 s, then ANSWERED 8 s).</summary>
internal sealed record DialFork(string Route, string DestinationChannel, string LastData, string Disposition, long Start, long End);
