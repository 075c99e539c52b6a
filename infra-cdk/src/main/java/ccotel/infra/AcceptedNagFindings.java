package ccotel.infra;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.List;
import software.amazon.awscdk.Stack;

/** The cdk-nag AwsSolutions findings ccotel accepts, each with the reason it is right here. */
final class AcceptedNagFindings {

  private AcceptedNagFindings() {}

  static void addTo(Stack stack) {
    NagSuppressions.addStackSuppressions(
        stack,
        List.of(
            accepted(
                "AwsSolutions-APIG4",
                "Every route checks a Bearer token itself, against SHA-256 hashes in DynamoDB"
                    + " (CONTRACT 1 and 4 need OTLP and JSON error bodies a Lambda authorizer"
                    + " cannot give, and an authorizer would add an invocation per export)."),
            accepted(
                "AwsSolutions-IAM4",
                "AWSLambdaBasicExecutionRole only lets each function write its own logs.",
                List.of(
                    "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
                        + "AWSLambdaBasicExecutionRole")),
            accepted(
                "AwsSolutions-L1",
                "java21 is the LTS runtime ccotel is measured on, with SnapStart; the jar is"
                    + " Java 17 bytecode and runs on java25 as well (CcotelStack.RUNTIME).")),
        true);
  }

  private static NagPackSuppression accepted(String id, String reason) {
    return NagPackSuppression.builder().id(id).reason(reason).build();
  }

  private static NagPackSuppression accepted(String id, String reason, List<String> appliesTo) {
    return NagPackSuppression.builder()
        .id(id)
        .reason(reason)
        .appliesTo(List.copyOf(appliesTo))
        .build();
  }
}
