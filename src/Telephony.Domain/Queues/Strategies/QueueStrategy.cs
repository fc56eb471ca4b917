namespace Telephony.Domain.Queues.Strategies;

public enum QueueStrategy { RingAll, LongestIdle, FewestCalls, RoundRobin, Linear, Random, WeightedRandom, LeastTalkTime }
