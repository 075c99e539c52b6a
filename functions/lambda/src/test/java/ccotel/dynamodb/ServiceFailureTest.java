package ccotel.dynamodb;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.TransactionConflictException;

/** Which failed reads are worth a retry (503) and which would fail again on every retry. */
class ServiceFailureTest {

  @Test
  void throttlingFaultsAndTheNetwork_areServiceFailures() {
    assertTrue(
        DynamoDbCalls.isServiceFailure(
            ProvisionedThroughputExceededException.builder()
                .statusCode(400)
                .awsErrorDetails(
                    AwsErrorDetails.builder()
                        .errorCode("ProvisionedThroughputExceededException")
                        .build())
                .build()));
    assertTrue(DynamoDbCalls.isServiceFailure(refusal(500, "InternalServerError")));
    assertTrue(DynamoDbCalls.isServiceFailure(refusal(503, "ServiceUnavailable")));
    assertTrue(
        DynamoDbCalls.isServiceFailure(
            SdkClientException.create("Unable to execute HTTP request: Connection refused")));
    assertTrue(
        DynamoDbCalls.isServiceFailure(
            TransactionConflictException.builder()
                .statusCode(400)
                .awsErrorDetails(
                    AwsErrorDetails.builder().errorCode("TransactionConflictException").build())
                .build()));
  }

  @Test
  void aRequestDynamoDbRefusesAsSuch_isNot() {
    assertFalse(DynamoDbCalls.isServiceFailure(refusal(400, "ValidationException")));
    assertFalse(DynamoDbCalls.isServiceFailure(refusal(400, "ResourceNotFoundException")));
  }

  private static DynamoDbException refusal(int status, String code) {
    return (DynamoDbException)
        DynamoDbException.builder()
            .statusCode(status)
            .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).build())
            .build();
  }
}
