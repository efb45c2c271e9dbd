package dev.gatehouse.recorder;

import java.time.Instant;

/**
 * A gateway running on the data directory, as {@code sessions verify} finds it: its process id and
 * the audit seq at which its start-up repair was done (-1 and null where its lock file could not
 * say). Every session that started at or before that seq and is still {@code active} in the index
 * was left behind, not run by it: the repair ends each one.
 */
public record RunningGateway(long pid, long startSeq, Instant startedAt) {}
