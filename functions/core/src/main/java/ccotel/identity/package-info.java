/** Who usage is reported for: e-mail backfill of account ids and user ids at read time. */
package ccotel.identity;
