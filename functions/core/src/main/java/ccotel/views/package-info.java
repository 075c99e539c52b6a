/**
 * What a read token's view (CONTRACT §7) shows of the usage: actors as they are, as pseudonyms, or
 * only groups of at least {@link ccotel.views.SmallTeams#MIN_TEAM_SIZE} people.
 */
package ccotel.views;
