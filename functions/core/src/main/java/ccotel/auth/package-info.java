/** Connections and their secret tokens: generation, hashing, scopes, lookup and administration. */
package ccotel.auth;
