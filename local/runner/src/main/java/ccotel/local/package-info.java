/**
 * The whole system on one machine: the Lambda handlers, unchanged, on embedded DynamoDB Local and
 * ElasticMQ.
 */
package ccotel.local;
