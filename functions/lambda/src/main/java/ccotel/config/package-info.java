/** The functions' configuration, read once from the environment at cold start. */
package ccotel.config;
