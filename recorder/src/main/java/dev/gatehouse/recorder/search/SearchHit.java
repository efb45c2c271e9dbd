package dev.gatehouse.recorder.search;

/**
 * Where the searched text occurs in a session: {@code t} seconds into the recording, in a
 * {@code statement}, a {@code command} or the {@code output}; {@code text} is a snippet around it.
 */
public record SearchHit(double t, String kind, String text) {}
