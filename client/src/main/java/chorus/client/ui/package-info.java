/**
 * The Swing desktop app: the only package that imports Swing. Panels observe the headless
 * {@link chorus.client.call.Call} through its snapshots and send the user's intents back to it; no
 * socket, codec or device code lives here, and nothing slow runs on the Event Dispatch Thread.
 * {@code chorus client} and {@code chorus demo} (the demo's bots included) start here. May use:
 * {@code call}, {@code codec}, {@code device}, {@code session}, {@code bot}, Swing, FlatLaf.
 */
package chorus.client.ui;
