/**
 * Cameras, microphones and speakers for the desktop app, and synthetic stand-ins for them: cameras
 * through JavaCV's FFmpeg grabber (v4l2 on Linux), audio through javax.sound.sampled. Headless: no
 * Swing here. Every failure becomes a {@link chorus.client.DeviceUnavailableException} whose message
 * is written for the person in the call.
 */
package chorus.client.device;
