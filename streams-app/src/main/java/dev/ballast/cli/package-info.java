/**
 * The {@code ballast} command line: one picocli command per verb ({@code evaluate}, {@code run}, {@code demo},
 * {@code stack}, {@code registry}, {@code produce}, {@code models}, {@code monitor}, {@code config}). Commands wire settings to the
 * other packages and print; they hold no logic of their own worth testing apart from that wiring.
 */
package dev.ballast.cli;
