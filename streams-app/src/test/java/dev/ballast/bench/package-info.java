/** JMH benchmarks of the learning core; run with {@code org.openjdk.jmh.Main}, never as unit tests. */
package dev.ballast.bench;
