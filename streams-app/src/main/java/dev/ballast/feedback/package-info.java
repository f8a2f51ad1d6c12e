/**
 * Serving and late labels: scoring unlabelled events with the latest published snapshot, keeping them (and labels
 * that come first) in a changelogged store until their labels arrive, joining the two within
 * {@code ballast.labels.max.delay.ms}, and expiring what never met. The training processor calls it; what a join
 * produces is trained through the processor's journalled path.
 */
package dev.ballast.feedback;
