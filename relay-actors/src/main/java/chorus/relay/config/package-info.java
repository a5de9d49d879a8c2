/**
 * The relay's settings, read once at start from the {@code chorus.relay} section of the HOCON
 * configuration ({@code reference.conf}, {@code application.conf}, system properties, environment).
 * Uses nothing else of the relay.
 */
package chorus.relay.config;
