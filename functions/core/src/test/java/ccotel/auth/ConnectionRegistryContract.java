package ccotel.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ccotel.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ConnectionRegistry} + {@link ConnectionLookup} must do, driven through {@link
 * ConnectionAdmin}; run against the in-memory fake and DynamoDB Local.
 */
public abstract class ConnectionRegistryContract {

  protected final MutableClock clock = new MutableClock(Instant.parse("2026-11-24T15:00:00Z"));
  private ConnectionAdmin admin;

  /** A fresh, empty registry using {@link #clock}. */
  protected abstract <T extends ConnectionRegistry & ConnectionLookup> T newRegistry();

  private ConnectionLookup lookup;
  private ConnectionRegistry registry;

  @BeforeEach
  void setUp() {
    var registry = newRegistry();
    this.registry = registry;
    lookup = registry;
    admin = new ConnectionAdmin(registry, clock);
  }

  @Test
  void create_issuesPrefixed256BitTokens_ofEachScope() throws Exception {
    ConnectionAdmin.NewConnection created = admin.create("Platform team");

    assertTrue(created.ingestToken().value().startsWith("ccotel_ingest_"));
    assertTrue(created.readToken().value().startsWith("ccotel_read_"));
    // 32 random bytes in unpadded base64url are 43 characters.
    assertEquals(43, created.ingestToken().value().length() - "ccotel_ingest_".length());
    assertEquals(
        Optional.of(new TokenGrant(created.connection().id(), TokenScope.INGEST)),
        lookup.find(created.ingestToken().hash()));
    assertEquals(
        Optional.of(new TokenGrant(created.connection().id(), TokenScope.READ)),
        lookup.find(created.readToken().hash()));
    assertEquals("Platform team", admin.requireConnection(created.connection().id()).name());
  }

  @Test
  void tokens_areUniqueAndConnectionsApart() throws Exception {
    ConnectionAdmin.NewConnection a = admin.create("a");
    ConnectionAdmin.NewConnection b = admin.create("b");

    assertNotEquals(a.connection().id(), b.connection().id());
    assertNotEquals(a.ingestToken().value(), b.ingestToken().value());
    assertEquals(
        a.connection().id(), lookup.find(a.ingestToken().hash()).orElseThrow().connectionId());
    assertEquals(
        b.connection().id(), lookup.find(b.ingestToken().hash()).orElseThrow().connectionId());
  }

  @Test
  void unknownToken_grantsNothing() throws Exception {
    assertEquals(Optional.empty(), lookup.find(TokenHash.of("ccotel_ingest_unknown")));
  }

  @Test
  void list_countsActiveTokens() throws Exception {
    ConnectionAdmin.NewConnection created = admin.create("listed");
    admin.revokeAll(created.connection().id(), List.of(TokenScope.READ));

    ConnectionAdmin.ConnectionSummary summary =
        admin.list().stream()
            .filter(s -> s.connection().id().equals(created.connection().id()))
            .findFirst()
            .orElseThrow();
    assertEquals(1, summary.activeIngestTokens());
    assertEquals(0, summary.activeReadTokens());
  }

  @Test
  void revoke_stopsTheTokenAtOnce() throws Exception {
    ConnectionAdmin.NewConnection created = admin.create("revoked");

    admin.revoke(created.connection().id(), created.ingestToken().value());

    assertEquals(Optional.empty(), lookup.find(created.ingestToken().hash()));
    assertTrue(lookup.find(created.readToken().hash()).isPresent(), "the read token still works");
  }

  @Test
  void rotate_withOverlap_keepsTheOldTokenUntilTheOverlapEnds() throws Exception {
    ConnectionAdmin.NewConnection created = admin.create("rotated");
    String id = created.connection().id();

    SecretToken fresh = admin.rotate(id, TokenScope.INGEST, Duration.ofMinutes(10));

    assertTrue(lookup.find(fresh.hash()).isPresent());
    assertTrue(lookup.find(created.ingestToken().hash()).isPresent());
    clock.advance(Duration.ofMinutes(10));
    assertEquals(Optional.empty(), lookup.find(created.ingestToken().hash()));
    assertTrue(lookup.find(fresh.hash()).isPresent());
  }

  @Test
  void rotate_withoutOverlap_stopsTheOldTokenAtOnce() throws Exception {
    ConnectionAdmin.NewConnection created = admin.create("rotated now");

    SecretToken fresh = admin.rotate(created.connection().id(), TokenScope.READ, Duration.ZERO);

    assertEquals(Optional.empty(), lookup.find(created.readToken().hash()));
    assertEquals(TokenScope.READ, lookup.find(fresh.hash()).orElseThrow().scope());
  }

  @Test
  void revokeLater_neverExtendsAnEarlierEnd() throws Exception {
    ConnectionAdmin.NewConnection created = admin.create("ends early");
    String id = created.connection().id();
    admin.rotate(id, TokenScope.INGEST, Duration.ofMinutes(1));
    admin.rotate(id, TokenScope.INGEST, Duration.ofHours(1)); // must not prolong the first token

    clock.advance(Duration.ofMinutes(1));
    assertEquals(Optional.empty(), lookup.find(created.ingestToken().hash()));
  }

  @Test
  void adminCommands_onAnUnknownConnection_fail() {
    assertThrows(
        UnknownConnectionException.class,
        () -> admin.rotate("conn_missing", TokenScope.INGEST, Duration.ZERO));
    assertThrows(
        UnknownConnectionException.class,
        () -> admin.revokeAll("conn_missing", List.of(TokenScope.INGEST)));
  }

  @Test
  void rotate_withAnOverlapOutOfRange_changesNothing() throws Exception {
    ConnectionAdmin.NewConnection created = admin.create("bad overlap");
    String id = created.connection().id();
    Set<StoredToken> before = Set.copyOf(registry.tokensOf(id));

    for (Duration overlap :
        List.of(
            Duration.ofSeconds(-1),
            ConnectionAdmin.MAX_OVERLAP.plusSeconds(1),
            Duration.ofSeconds(Long.MAX_VALUE))) {
      IllegalArgumentException refused =
          assertThrows(
              IllegalArgumentException.class, () -> admin.rotate(id, TokenScope.INGEST, overlap));
      assertEquals(
          "the overlap must be from 0 to 2592000 seconds (30 days), not " + overlap.toSeconds(),
          refused.getMessage());
    }

    assertEquals(before, Set.copyOf(registry.tokensOf(id)));
    assertTrue(lookup.find(created.ingestToken().hash()).isPresent());
  }

  @Test
  void rotate_withTheLongestOverlap_keepsTheOldTokenThatLong() throws Exception {
    ConnectionAdmin.NewConnection created = admin.create("longest overlap");
    String id = created.connection().id();

    admin.rotate(id, TokenScope.INGEST, ConnectionAdmin.MAX_OVERLAP);

    clock.advance(ConnectionAdmin.MAX_OVERLAP.minusSeconds(1));
    assertTrue(lookup.find(created.ingestToken().hash()).isPresent());
    clock.advance(Duration.ofSeconds(1));
    assertEquals(Optional.empty(), lookup.find(created.ingestToken().hash()));
  }

  @Test
  void unknownScope_isRefusedByName() {
    IllegalArgumentException refused =
        assertThrows(IllegalArgumentException.class, () -> TokenScope.parse("admin"));
    assertEquals("unknown scope 'admin' (ingest or read)", refused.getMessage());
    assertEquals(TokenScope.READ, TokenScope.parse(" Read "));
  }

  @Test
  void revoke_ofAnotherConnectionsToken_fails() throws Exception {
    ConnectionAdmin.NewConnection a = admin.create("a");
    ConnectionAdmin.NewConnection b = admin.create("b");

    assertThrows(
        UnknownConnectionException.class,
        () -> admin.revoke(a.connection().id(), b.ingestToken().value()));
    assertTrue(lookup.find(b.ingestToken().hash()).isPresent());
  }
}
