/**
 * The client's command line: {@link chorus.client.ClientMain} ({@code chorus <subcommand>}), the
 * entry the {@code chorus} launcher runs. Everything else lives in a package by concern:
 * {@code codec}, {@code media}, {@code device}, {@code files}, {@code session}, {@code call}, {@code bot},
 * {@code load} and {@code ui}. May use: the commands of {@code bot}, {@code load} and {@code ui}.
 */
package chorus.client;
