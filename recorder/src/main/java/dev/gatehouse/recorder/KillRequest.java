package dev.gatehouse.recorder;

import java.time.Instant;

/** A request, from another process, that the gateway end a session. */
public record KillRequest(String sessionId, String by, String reason, Instant at) {}
