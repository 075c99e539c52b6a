/**
 * The dashboard page and its assets, served from the jar by ccotel itself (CONTRACT §6): no request
 * to another origin, a strict Content-Security-Policy, ETags for revalidation.
 */
package ccotel.web;
