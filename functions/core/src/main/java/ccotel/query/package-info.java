/** The usage query API: per-user, per-day records for dashboards, as JSON or CSV. */
package ccotel.query;
