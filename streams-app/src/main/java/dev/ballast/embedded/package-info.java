/**
 * What makes Ballast run on a laptop with nothing installed: the in-process KRaft broker ({@code kafka}
 * sub-package), the conversion of data-set examples into events, malformed records for fault tests, and the
 * publisher that sends them, used by {@code ballast demo}, {@code ballast produce} and the integration tests.
 */
package dev.ballast.embedded;
