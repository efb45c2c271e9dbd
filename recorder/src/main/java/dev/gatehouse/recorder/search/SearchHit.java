package dev.gatehouse.recorder.search;

/**
 * Where the searched text occurs in a session: {@code t} seconds into the recording, in a
 * {@code statement}, a {@code command} or the {@code output}; {@code text} is a snippet around it;
 * {@code verdict} (allow, block, review) for a judged statement, else null.
 */
public record SearchHit(double t, String kind, String text, String verdict) {}
