package ccotel.local;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Command-line words: positional words, {@code --name value} options and {@code --flag}s. */
final class Arguments {

  private final List<String> positional = new ArrayList<>();
  private final Map<String, String> options = new HashMap<>();
  private final Set<String> flags = new HashSet<>();
  private final Set<String> used = new HashSet<>();

  Arguments(String[] args, Set<String> knownFlags) {
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.startsWith("--")) {
        String name = arg.substring(2);
        int equals = name.indexOf('=');
        if (equals >= 0) {
          options.put(name.substring(0, equals), name.substring(equals + 1));
        } else if (knownFlags.contains(name)) {
          flags.add(name);
        } else if (i + 1 < args.length) {
          options.put(name, args[++i]);
        } else {
          throw new UsageException("--" + name + " needs a value");
        }
      } else {
        positional.add(arg);
      }
    }
  }

  String positional(int index) {
    return index < positional.size() ? positional.get(index) : "";
  }

  Optional<String> option(String name) {
    used.add(name);
    return Optional.ofNullable(options.get(name));
  }

  String required(String name) {
    return option(name).orElseThrow(() -> new UsageException("--" + name + " is required"));
  }

  /** A whole-number option from {@code min} to {@code max}; anything else is a usage error. */
  long number(String name, long fallback, long min, long max) {
    Optional<String> text = option(name);
    if (text.isEmpty()) {
      return fallback;
    }
    try {
      long value = Long.parseLong(text.get().trim());
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below, with the range
    }
    throw new UsageException(
        "--"
            + name
            + " must be a whole number from "
            + min
            + " to "
            + max
            + ", not '"
            + text.get()
            + "'");
  }

  boolean flag(String name) {
    used.add(name);
    return flags.contains(name);
  }

  /** Fails on options the command did not ask for: a typo must not be silently ignored. */
  void rejectUnknown() {
    for (String name : options.keySet()) {
      if (!used.contains(name)) {
        throw new UsageException("unknown option --" + name);
      }
    }
    for (String name : flags) {
      if (!used.contains(name)) {
        throw new UsageException("unknown option --" + name);
      }
    }
  }

  /** A command line that cannot be run; the message says why. */
  static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }
}
