/**
 * The Swing desktop app: the only package that imports Swing. Panels observe the headless
 * {@link chorus.client.call.Call} through its snapshots and send the user's intents back to it; no
 * socket, codec or device code lives here, and nothing slow runs on the Event Dispatch Thread.
 */
package chorus.client.ui;
