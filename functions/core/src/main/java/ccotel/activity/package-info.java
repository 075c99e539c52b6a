/** What a connection did lately, beyond its usage: when its last export was received. */
package ccotel.activity;
