package ccotel.teams;

/** A roster file that cannot be imported; nothing was changed. The message names the line. */
public final class RosterFormatException extends Exception {

  private final int line;

  public RosterFormatException(int line, String problem) {
    super("line " + line + ": " + problem);
    this.line = line;
  }

  /** The 1-based line of the file at fault. */
  public int line() {
    return line;
  }
}
