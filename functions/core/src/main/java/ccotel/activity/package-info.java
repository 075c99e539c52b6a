/**
 * What a connection did lately, beyond its usage: when its last export was received, how many
 * exports came in each hour, and each user's last active day; and the status answer built on them
 * (CONTRACT §8).
 */
package ccotel.activity;
