package ccotel.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * One line per invocation and per failure, through the Lambda logger (stderr when run without one).
 * Never given a token, a hash or prompt text.
 */
final class InvocationLog {

  private InvocationLog() {}

  static void line(Context context, String message) {
    if (context != null && context.getLogger() != null) {
      context.getLogger().log(message + "\n");
    } else {
      System.err.println(message);
    }
  }

  /**
   * A failure with its stack trace, written in one call so that CloudWatch keeps it as one event.
   * Exception messages here come from our code and the SDK, which never carry a token or a body.
   */
  static void failure(Context context, String message, Throwable failure) {
    StringWriter trace = new StringWriter();
    failure.printStackTrace(new PrintWriter(trace));
    line(context, message + ": " + trace.toString().stripTrailing());
  }
}
