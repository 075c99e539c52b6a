/**
 * DynamoDB Local and ElasticMQ, embedded and bound to loopback, reached through the real AWS SDK.
 */
package ccotel.embedded;
