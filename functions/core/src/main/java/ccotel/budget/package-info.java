/**
 * Daily cost budgets and their alerts (CONTRACT §8): one alert per user-day over budget, raised by
 * the aggregator with a conditional write and delivered apart from counting.
 */
package ccotel.budget;
