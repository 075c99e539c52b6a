/** Claude Code's metrics and events mapped onto per-user, per-UTC-day usage counters. */
package ccotel.usage;
