/**
 * What a relay process tells whoever started it: its ready line ({@code ReadyLine}), printed by
 * the relay once every socket listens and read by the launcher script, the load generator, the
 * demo and the tests. Plain Java, no dependencies.
 */
package chorus.protocol.process;
