/** DynamoDB adapters: usage counters, aggregation state, connections and token hashes. */
package ccotel.dynamodb;
