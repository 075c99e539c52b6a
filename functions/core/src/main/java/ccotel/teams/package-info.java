/**
 * Teams: each connection's roster (e-mail to team, department, cost center), imported whole from a
 * CSV file, and the read step that gives records their team (the roster's, else the one the user's
 * {@code team} attribute named most often that day).
 */
package ccotel.teams;
