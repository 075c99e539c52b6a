package ccotel.query;

import java.util.Locale;
import java.util.Optional;

/** What a usage page is written as, chosen from the request's {@code Accept} (RFC 9110 §12.5.1). */
public enum AnswerFormat {
  JSON("application", "json"),
  CSV("text", "csv");

  private final String type;
  private final String subtype;

  AnswerFormat(String type, String subtype) {
    this.type = type;
    this.subtype = subtype;
  }

  /**
   * The format the client prefers most (the highest q-value of the most specific media range that
   * names it); JSON when there is no {@code Accept} or on a tie; empty when the client accepts
   * neither (each has q=0 or matches no range).
   */
  public static Optional<AnswerFormat> negotiate(Optional<String> accept) {
    if (accept.isEmpty() || accept.get().isBlank()) {
      return Optional.of(JSON);
    }
    AnswerFormat best = null;
    double bestQuality = 0;
    for (AnswerFormat format : values()) { // JSON first, so it wins a tie
      double quality = format.quality(accept.get());
      if (quality > bestQuality) {
        best = format;
        bestQuality = quality;
      }
    }
    return Optional.ofNullable(best);
  }

  /** Whether a client sending {@code accept} takes this format (no Accept takes anything). */
  public boolean acceptedBy(Optional<String> accept) {
    return accept.isEmpty() || accept.get().isBlank() || quality(accept.get()) > 0;
  }

  /** This format's q-value in {@code accept}: that of its most specific range, 0 if none. */
  private double quality(String accept) {
    int bestSpecificity = -1;
    double quality = 0;
    for (String range : accept.split(",")) {
      String[] parts = range.split(";");
      String mediaRange = parts[0].trim().toLowerCase(Locale.ROOT);
      int slash = mediaRange.indexOf('/');
      if (slash < 0) {
        continue; // not a media range: ignored
      }
      String rangeType = mediaRange.substring(0, slash).trim();
      String rangeSubtype = mediaRange.substring(slash + 1).trim();
      int specificity;
      if (rangeType.equals(type) && rangeSubtype.equals(subtype)) {
        specificity = 2;
      } else if (rangeType.equals(type) && rangeSubtype.equals("*")) {
        specificity = 1;
      } else if (rangeType.equals("*") && rangeSubtype.equals("*")) {
        specificity = 0;
      } else {
        continue;
      }
      Optional<Double> q = qValue(parts);
      if (q.isPresent() && specificity > bestSpecificity) {
        bestSpecificity = specificity;
        quality = q.get();
      }
    }
    return quality;
  }

  /** The range's {@code q} parameter (1 when absent); empty when it is no number from 0 to 1. */
  private static Optional<Double> qValue(String[] parts) {
    for (int i = 1; i < parts.length; i++) {
      String parameter = parts[i].trim();
      int equals = parameter.indexOf('=');
      if (equals > 0 && parameter.substring(0, equals).trim().equalsIgnoreCase("q")) {
        try {
          double q = Double.parseDouble(parameter.substring(equals + 1).trim());
          return q >= 0 && q <= 1 ? Optional.of(q) : Optional.empty();
        } catch (NumberFormatException e) {
          return Optional.empty();
        }
      }
    }
    return Optional.of(1.0);
  }
}
