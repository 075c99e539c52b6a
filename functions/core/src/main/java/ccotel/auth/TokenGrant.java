package ccotel.auth;

/** What a valid token grants: access of one scope to one connection's data. */
public record TokenGrant(String connectionId, TokenScope scope) {}
