/**
 * OTLP/HTTP: request decoding (protobuf and JSON) into the generated proto classes, and answers.
 */
package ccotel.otlp;
