/** The SQS adapter: how a queued export travels as an SQS message. */
package ccotel.sqs;
