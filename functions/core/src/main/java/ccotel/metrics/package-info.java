/** What the service reports on itself: accepted and rejected exports, counting, failures, lag. */
package ccotel.metrics;
