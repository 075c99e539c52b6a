/** The HTTP-shaped request and response that handlers, whatever their transport, hand to core. */
package ccotel.api;
