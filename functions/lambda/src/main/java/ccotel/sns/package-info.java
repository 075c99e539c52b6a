/** The stack's alarm topic, published to by the alert sender. */
package ccotel.sns;
