package ccotel.query;

import java.util.List;
import java.util.Optional;

/**
 * One page of user-days in (day, user) order.
 *
 * @param nextCursor where the next page starts, in the reader's own opaque form; empty on the last
 *     page
 */
public record UsagePage(List<StoredUsage> rows, Optional<String> nextCursor) {

  public UsagePage {
    rows = List.copyOf(rows);
  }
}
