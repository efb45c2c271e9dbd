/**
 * Full-text search over recorded sessions (SQLite FTS5 in the index's database): what the replay
 * web's search box and filters run on. Here rather than in replay-web because it reads recordings
 * (the asciicast format and marker labels are the recorder's) and owns tables in the recorder's
 * database; it knows nothing of HTTP, so the CLI can use it too.
 *
 * <pre>
 *  session ends ─▶ SessionIndex.onEnded ─▶ SearchIndexer ─▶ RecordingText.read(.cast) ─▶ SearchIndex.write
 *  every 30 s   ─▶ SearchIndexer catch-up ─▶ unindexed finished sessions, pruned ones dropped
 *  query        ─▶ SearchIndex.search: rec_sessions filters + FTS5 phrase + (start, id) keyset cursor
 * </pre>
 */
package dev.gatehouse.recorder.search;
