/** AWS Lambda entry points and the composition root that wires them. */
package ccotel.lambda;
