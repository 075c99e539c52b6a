/** Turns queued OTLP requests into exactly-once counter increments in the usage store. */
package ccotel.aggregate;
