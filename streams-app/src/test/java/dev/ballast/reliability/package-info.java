/**
 * Fault tests on a real broker and real processes: crash loops ({@code kill -9}), broker restarts, rebalances,
 * registry outages, hostile input, numerical blow-ups, schema evolution, and the security properties Ballast
 * promises (settings pass through, loopback binds, no Java serialisation, no secrets in logs). The short forms run
 * in {@code mvn verify}; {@code -Preliability} runs the long ones. docs/reliability.md lists what each injects and
 * asserts.
 */
package dev.ballast.reliability;
