package ccotel.query;

import ccotel.api.ApiRequest;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The UTC days a usage or summary request covers (CONTRACT §4 date rules): {@code starting_at}
 * alone is that day, {@code ending_at} (inclusive) extends it, at most {@value #MAX_RANGE_DAYS}
 * days.
 */
public record DateRange(LocalDate from, LocalDate to) {

  /** The longest range one request may span, so a request never scans years of days. */
  static final int MAX_RANGE_DAYS = 366;

  /** No usage is older: ingest refuses timestamps before 2020. */
  static final LocalDate FIRST_DAY = LocalDate.of(2020, 1, 1);

  /** Stored days are keyed YYYY-MM-DD, which sorts as dates only with four-digit years. */
  static final LocalDate LAST_DAY = LocalDate.of(9999, 12, 31);

  /**
   * The request's range.
   *
   * @throws IllegalArgumentException with a message for the client when a date is missing, not a
   *     date, out of bounds, given twice, or the range is reversed or too long
   */
  public static DateRange of(ApiRequest request) {
    requireOnce(request, List.of("starting_at", "ending_at"));
    LocalDate from =
        date(
            "starting_at",
            request
                .queryParameter("starting_at")
                .orElseThrow(
                    () -> new IllegalArgumentException("starting_at (YYYY-MM-DD) is required")));
    LocalDate to = request.queryParameter("ending_at").map(v -> date("ending_at", v)).orElse(from);
    if (to.isBefore(from)) {
      throw new IllegalArgumentException("ending_at must not be before starting_at");
    }
    if (ChronoUnit.DAYS.between(from, to) >= MAX_RANGE_DAYS) {
      throw new IllegalArgumentException(
          "a range spans at most " + MAX_RANGE_DAYS + " days; page through longer periods");
    }
    return new DateRange(from, to);
  }

  /**
   * Refuses parameters given more than once, which API Gateway hands over joined with commas. Only
   * for parameters whose values never contain a comma.
   *
   * @throws IllegalArgumentException naming the first repeated one
   */
  public static void requireOnce(ApiRequest request, List<String> names) {
    for (String name : names) {
      if (request.queryParameter(name).filter(v -> v.contains(",")).isPresent()) {
        throw new IllegalArgumentException(name + " must be given once");
      }
    }
  }

  /** Every day of the range, in order. */
  public List<LocalDate> days() {
    List<LocalDate> days = new ArrayList<>();
    for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
      days.add(day);
    }
    return days;
  }

  public boolean contains(LocalDate day) {
    return !day.isBefore(from) && !day.isAfter(to);
  }

  private static LocalDate date(String name, String value) {
    LocalDate date;
    try {
      date = LocalDate.parse(value);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          name + " must be a date YYYY-MM-DD, got '" + value + "'", e);
    }
    if (date.isBefore(FIRST_DAY) || date.isAfter(LAST_DAY)) {
      throw new IllegalArgumentException(
          name + " must be a date from " + FIRST_DAY + " to " + LAST_DAY + ", got '" + value + "'");
    }
    return date;
  }
}
