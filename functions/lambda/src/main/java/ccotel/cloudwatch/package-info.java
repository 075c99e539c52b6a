/** CloudWatch: the service's own metrics in embedded metric format. */
package ccotel.cloudwatch;
