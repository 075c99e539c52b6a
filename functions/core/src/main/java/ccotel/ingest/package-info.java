/** Accepts OTLP/HTTP exports: authorize, validate, and queue them durably for aggregation. */
package ccotel.ingest;
