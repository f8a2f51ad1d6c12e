/**
 * Watching a running Ballast from outside the learner: {@link dev.ballast.monitoring.MetricsFeed} follows the
 * metrics, alerts, model-update and dead-letter topics and keeps a bounded history per model;
 * {@link dev.ballast.monitoring.TextDashboard} renders it for a terminal; {@link dev.ballast.monitoring.DashboardServer}
 * serves it as a web page with live charts, a JSON series endpoint and a Prometheus endpoint that also exposes Kafka
 * Streams' own metrics.
 */
package dev.ballast.monitoring;
