/**
 * Cameras, microphones, speakers and the screen for the desktop app, and synthetic stand-ins for
 * them: cameras through JavaCV's FFmpeg grabber (v4l2 on Linux), audio through
 * javax.sound.sampled, the screen through java.awt.Robot. Headless: no Swing here. Every failure
 * becomes a {@link chorus.client.device.DeviceUnavailableException} whose message is written for the
 * person in the call.
 */
package chorus.client.device;
