package ccotel.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ccotel.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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

  /** Stores a token as ccotel did before views and per-user tokens: without those attributes. */
  protected abstract void putTokenAsBeforeViews(
      TokenHash hash, String connectionId, TokenScope scope);

  /** Makes {@code connectionId} look like one created before pseudonym keys existed. */
  protected abstract void removePseudonymKey(String connectionId);

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

  @Test
  void tokensStoredBeforeViews_readAsFullAndConnectionWide() throws Exception {
    ConnectionAdmin.NewConnection created = admin.create("old tokens");
    String id = created.connection().id();
    TokenHash oldRead = TokenHash.of("ccotel_read_old");
    TokenHash oldIngest = TokenHash.of("ccotel_ingest_old");
    putTokenAsBeforeViews(oldRead, id, TokenScope.READ);
    putTokenAsBeforeViews(oldIngest, id, TokenScope.INGEST);

    assertEquals(
        Optional.of(new TokenGrant(id, TokenScope.READ, ReadView.FULL, Optional.empty())),
        lookup.find(oldRead));
    assertEquals(
        Optional.of(new TokenGrant(id, TokenScope.INGEST, ReadView.FULL, Optional.empty())),
        lookup.find(oldIngest));
    StoredToken stored =
        registry.tokensOf(id).stream()
            .filter(t -> t.hash().matches(oldIngest))
            .findFirst()
            .orElseThrow();
    assertEquals(Optional.empty(), stored.userEmail());
    assertEquals(Optional.empty(), stored.userName());
  }

  @Test
  void readTokens_keepTheirView() throws Exception {
    ConnectionAdmin.NewConnection created = admin.create("views");
    String id = created.connection().id();

    for (ReadView view : ReadView.values()) {
      SecretToken token = admin.addReadToken(id, view);
      assertTrue(token.value().startsWith("ccotel_read_"));
      assertEquals(
          Optional.of(new TokenGrant(id, TokenScope.READ, view, Optional.empty())),
          lookup.find(token.hash()));
    }
    assertEquals(
        ReadView.FULL, lookup.find(created.readToken().hash()).orElseThrow().view(), "default");
  }

  @Test
  void userTokens_carryTheirUser_andListWithoutTheirValue() throws Exception {
    ConnectionAdmin.NewConnection created = admin.create("users");
    String id = created.connection().id();

    SecretToken token = admin.issueUserToken(id, " Dev@Example.com ", Optional.of(" Dev One "));

    assertTrue(token.value().startsWith("ccotel_ingest_"));
    assertEquals(
        Optional.of(
            new TokenGrant(id, TokenScope.INGEST, ReadView.FULL, Optional.of("dev@example.com"))),
        lookup.find(token.hash()));
    assertEquals(
        List.of(
            new ConnectionAdmin.UserTokenInfo(
                "dev@example.com",
                Optional.of("Dev One"),
                token.hash().shortId(),
                clock.instant(),
                Optional.empty(),
                true)),
        admin.userTokens(id));
    ConnectionAdmin.ConnectionSummary summary = summaryOf(id);
    assertEquals(1, summary.activeIngestTokens());
    assertEquals(1, summary.activeUserTokens());
  }

  @Test
  void badUserInput_isRefused_andNothingIsStored() throws Exception {
    ConnectionAdmin.NewConnection created = admin.create("bad input");
    String id = created.connection().id();
    Set<StoredToken> before = Set.copyOf(registry.tokensOf(id));

    for (String email :
        List.of(
            "",
            "no-at-sign",
            "@example.com",
            "dev@",
            "a@b@c",
            "dev @example.com",
            "dev\u0000@example.com",
            "x".repeat(250) + "@e.com")) {
      assertThrows(
          IllegalArgumentException.class,
          () -> admin.issueUserToken(id, email, Optional.empty()),
          email);
    }
    assertThrows(
        IllegalArgumentException.class,
        () -> admin.issueUserToken(id, "dev@example.com", Optional.of("bad\nname")));
    assertThrows(
        UnknownConnectionException.class,
        () -> admin.issueUserToken("conn_missing", "dev@example.com", Optional.empty()));
    assertThrows(
        UnknownConnectionException.class,
        () -> admin.rotateUserToken(id, "never@example.com", Duration.ZERO));
    assertThrows(
        UnknownConnectionException.class, () -> admin.revokeUserTokens(id, "never@example.com"));
    assertThrows(
        UnknownConnectionException.class, () -> admin.addReadToken("conn_missing", ReadView.FULL));

    assertEquals(before, Set.copyOf(registry.tokensOf(id)));
  }

  @Test
  void connectionWideRotationAndRevocation_leaveUserTokensAlone() throws Exception {
    ConnectionAdmin.NewConnection created = admin.create("shared and personal");
    String id = created.connection().id();
    SecretToken user = admin.issueUserToken(id, "dev@example.com", Optional.empty());

    admin.rotate(id, TokenScope.INGEST, Duration.ZERO);
    assertEquals(Optional.empty(), lookup.find(created.ingestToken().hash()));
    assertTrue(lookup.find(user.hash()).isPresent(), "rotation kept the user token");

    // The rotated-in shared ingest token and the read token; not the user's.
    assertEquals(2, admin.revokeAll(id, List.of(TokenScope.values())));
    assertTrue(lookup.find(user.hash()).isPresent(), "revoking all kept the user token");
  }

  @Test
  void rotateUserToken_replacesOnlyThatUsersTokens_afterTheOverlap() throws Exception {
    ConnectionAdmin.NewConnection created = admin.create("user rotation");
    String id = created.connection().id();
    SecretToken first = admin.issueUserToken(id, "dev@example.com", Optional.of("Dev"));
    SecretToken second = admin.issueUserToken(id, "dev@example.com", Optional.empty());
    SecretToken other = admin.issueUserToken(id, "other@example.com", Optional.empty());

    SecretToken fresh = admin.rotateUserToken(id, "DEV@example.com", Duration.ofMinutes(5));

    assertEquals(
        Optional.of("dev@example.com"), lookup.find(fresh.hash()).orElseThrow().userEmail());
    assertTrue(lookup.find(first.hash()).isPresent());
    clock.advance(Duration.ofMinutes(5));
    assertEquals(Optional.empty(), lookup.find(first.hash()));
    assertEquals(Optional.empty(), lookup.find(second.hash()));
    assertTrue(lookup.find(fresh.hash()).isPresent());
    assertTrue(lookup.find(other.hash()).isPresent());
    assertTrue(lookup.find(created.ingestToken().hash()).isPresent());
  }

  @Test
  void revokeUserTokens_stopsAllOfThatUsersTokensAtOnce() throws Exception {
    ConnectionAdmin.NewConnection created = admin.create("user revocation");
    String id = created.connection().id();
    SecretToken first = admin.issueUserToken(id, "dev@example.com", Optional.empty());
    SecretToken second = admin.issueUserToken(id, "dev@example.com", Optional.empty());
    SecretToken other = admin.issueUserToken(id, "other@example.com", Optional.empty());

    assertEquals(2, admin.revokeUserTokens(id, "dev@example.com"));

    assertEquals(Optional.empty(), lookup.find(first.hash()));
    assertEquals(Optional.empty(), lookup.find(second.hash()));
    assertTrue(lookup.find(other.hash()).isPresent());
    assertEquals(0, admin.revokeUserTokens(id, "dev@example.com"), "already revoked");
    assertEquals(1, summaryOf(id).activeUserTokens());
  }

  @Test
  void revokeReadTokens_ofOneView_leavesTheOthers() throws Exception {
    ConnectionAdmin.NewConnection created = admin.create("read views");
    String id = created.connection().id();
    SecretToken pseudonymous = admin.addReadToken(id, ReadView.PSEUDONYMOUS);
    SecretToken aggregate = admin.addReadToken(id, ReadView.AGGREGATE);
    admin.addReadToken(id, ReadView.AGGREGATE);

    assertEquals(
        Map.of(ReadView.FULL, 1, ReadView.PSEUDONYMOUS, 1, ReadView.AGGREGATE, 2),
        summaryOf(id).activeReadTokensByView());
    assertEquals(2, admin.revokeReadTokens(id, ReadView.AGGREGATE));

    assertEquals(Optional.empty(), lookup.find(aggregate.hash()));
    assertTrue(lookup.find(pseudonymous.hash()).isPresent());
    assertTrue(lookup.find(created.readToken().hash()).isPresent());
    assertEquals(2, summaryOf(id).activeReadTokens());
  }

  @Test
  void rotateReadTokensOfOneView_keepsTheViewAndLeavesTheOthers() throws Exception {
    ConnectionAdmin.NewConnection created = admin.create("rotate a view");
    String id = created.connection().id();
    SecretToken aggregate = admin.addReadToken(id, ReadView.AGGREGATE);

    SecretToken fresh = admin.rotate(id, TokenScope.READ, ReadView.AGGREGATE, Duration.ZERO);

    assertEquals(ReadView.AGGREGATE, lookup.find(fresh.hash()).orElseThrow().view());
    assertEquals(Optional.empty(), lookup.find(aggregate.hash()));
    assertTrue(lookup.find(created.readToken().hash()).isPresent());
  }

  @Test
  void everyConnection_getsItsOwn32BytePseudonymKey() throws Exception {
    String a = admin.create("a").connection().id();
    String b = admin.create("b").connection().id();

    PseudonymKey keyA = registry.pseudonymKey(a).orElseThrow();
    assertEquals(PseudonymKey.BYTES, keyA.bytes().length);
    assertNotEquals(keyA, registry.pseudonymKey(b).orElseThrow());
    assertEquals("PseudonymKey[…]", keyA.toString());
    // A key is never replaced: pseudonyms must stay stable.
    assertEquals(false, registry.addPseudonymKeyIfAbsent(a, PseudonymKey.generate()));
    assertEquals(keyA, registry.pseudonymKey(a).orElseThrow());
    assertEquals(false, registry.addPseudonymKeyIfAbsent("conn_missing", PseudonymKey.generate()));
    assertEquals(Optional.empty(), registry.pseudonymKey("conn_missing"));
  }

  @Test
  void aPseudonymousReadToken_givesAnOlderConnectionItsKey_once() throws Exception {
    String id = admin.create("older").connection().id();
    removePseudonymKey(id);
    assertEquals(Optional.empty(), registry.pseudonymKey(id));

    admin.addReadToken(id, ReadView.AGGREGATE);
    assertEquals(Optional.empty(), registry.pseudonymKey(id), "only pseudonymous tokens need it");
    admin.addReadToken(id, ReadView.PSEUDONYMOUS);
    PseudonymKey key = registry.pseudonymKey(id).orElseThrow();
    admin.addReadToken(id, ReadView.PSEUDONYMOUS);

    assertEquals(key, registry.pseudonymKey(id).orElseThrow());
  }

  private ConnectionAdmin.ConnectionSummary summaryOf(String connectionId) {
    return admin.list().stream()
        .filter(s -> s.connection().id().equals(connectionId))
        .findFirst()
        .orElseThrow();
  }
}
