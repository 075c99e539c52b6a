package ccotel.usage;

/** Counts what a mapping could not use and keeps the first reason, for {@code partial_success}. */
final class Rejections {

  private long count;
  private String firstReason = "";

  void reject(String where, String reason) {
    if (count++ == 0) {
      firstReason = where + ": " + reason;
    }
  }

  /** As {@link #reject(String, String)} at {@code prefix + name}, concatenated only if kept. */
  void reject(String prefix, String name, String reason) {
    if (count++ == 0) {
      firstReason = prefix + name + ": " + reason;
    }
  }

  long count() {
    return count;
  }

  String firstReason() {
    return firstReason;
  }
}
