/**
 * A person's call: {@link chorus.client.call.Call} stays in one room across lost relays (the
 * client's one reconnect policy, for the desktop app and the bot alike), drives this
 * participant's devices, and shows the room through immutable snapshots
 * ({@link chorus.client.call.CallSnapshot} and its views: participants, chat lines, screen, files,
 * uploads). Headless: the desktop app and the bot drive it. May use: {@code session}, {@code codec},
 * {@code media}, {@code device}, {@code files}, {@code protocol}; not {@code bot} or {@code ui},
 * no Swing.
 */
package chorus.client.call;
