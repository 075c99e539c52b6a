package ccotel.identity;

import ccotel.aggregate.UsageStoreUnavailableException;
import ccotel.usage.UserIdentity;
import java.util.Map;
import java.util.Set;

/**
 * Port: the e-mail each account id or user id of a connection is linked to (the newest link the
 * aggregator stored; README "What is counted").
 */
@FunctionalInterface
public interface IdentityLinks {

  /** No links at all: every user is reported as counted. */
  IdentityLinks NONE = (connectionId, ids) -> Map.of();

  /** The linked e-mails of those of {@code ids} that have one; the others are left out. */
  Map<UserIdentity, UserIdentity> emailsOf(String connectionId, Set<UserIdentity> ids)
      throws UsageStoreUnavailableException;
}
