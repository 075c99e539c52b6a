/**
 * The summary API (CONTRACT §5): one range's usage summed by day, user, team, model, tool and
 * terminal, every figure the exact sum of the §4 records it covers.
 */
package ccotel.summary;
