/**
 * Measurements, not tests: JMH benchmarks of decoding and ingest, cold start of the Lambda jar,
 * DynamoDB write units per export, and the load generator. Run with {@code ./ccotel bench}.
 */
package ccotel.bench;
