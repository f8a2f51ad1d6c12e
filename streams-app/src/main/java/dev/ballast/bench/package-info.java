/**
 * {@code ballast bench}: end-to-end throughput of the Ballast topology beside a pass-through Kafka Streams app on
 * the same in-process broker, the learner alone for several model shapes, memory and event-to-snapshot latency.
 * A benchmark prints figures; it is never a timed unit test. The JMH micro-benchmarks of the learning core live
 * in the test tree under the same package name.
 */
package dev.ballast.bench;
