package ccotel.usage;

import java.time.LocalDate;

/**
 * The last user-day key a mapper made. Consecutive points of a request nearly always share their
 * user and day, and making a {@link LocalDate} per point is measurable.
 */
final class UsageKeyMemo {

  private long day;
  private UsageKey key;

  /** The same key as {@link UsageKey#at}. */
  UsageKey at(long epochNanos, UserIdentity user) {
    long epochDay = UsageKey.epochDay(epochNanos);
    if (key == null || epochDay != day || !key.user().equals(user)) {
      key = new UsageKey(LocalDate.ofEpochDay(epochDay), user);
      day = epochDay;
    }
    return key;
  }
}
