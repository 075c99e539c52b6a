/**
 * The status endpoint (CONTRACT §8): is data arriving, who is active, which roster members are
 * silent — read from the kept activity, never from the usage itself.
 */
package ccotel.status;
