package ccotel.auth;

import java.time.Instant;

/** A connection: one organisation's (or team's) telemetry stream and its usage data. */
public record Connection(String id, String name, Instant createdAt) {}
