/**
 * The headless participant, {@code chorus bot}: {@link chorus.client.bot.Bot} drives a
 * {@link chorus.client.call.Call} with synthetic devices (test pattern, tone, a recording as its
 * speaker), can chat, present a synthetic screen and offer and download files, and reports what
 * it did in {@link chorus.client.bot.BotStats}, whose JSON keys scripts rely on.
 * {@link chorus.client.bot.BotCommand} is its command line. May use: {@code call}, {@code codec},
 * {@code session}, {@code media}, {@code device}, {@code files}, picocli, Jackson; no Swing.
 */
package chorus.client.bot;
