/** The Claude Code settings that point a user's CLI at a connection. */
package ccotel.settings;
