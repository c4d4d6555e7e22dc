package dev.fabrik.server.tracking;

import java.time.Instant;

/**
 * What one {@code TRACK SET} asks for; null fields are left as they are.
 *
 * @param percent 0 to 100
 * @param desc a short text for people
 * @param reserveUntil a later deadline for the job's reservation
 */
public record TrackUpdate(String jid, Integer percent, String desc, Instant reserveUntil) {}
