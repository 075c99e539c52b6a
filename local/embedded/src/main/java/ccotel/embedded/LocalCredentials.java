package ccotel.embedded;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/** The embedded services accept any signature; clients still need a region and some keys. */
final class LocalCredentials {

  static final Region REGION = Region.US_EAST_1;
  static final StaticCredentialsProvider PROVIDER =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));

  private LocalCredentials() {}
}
