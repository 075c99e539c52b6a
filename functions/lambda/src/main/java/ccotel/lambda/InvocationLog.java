package ccotel.lambda;

import com.amazonaws.services.lambda.runtime.Context;

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

  static void failure(Context context, String message, Exception e) {
    line(context, message + ": " + e.getClass().getSimpleName() + ": " + e.getMessage());
  }
}
