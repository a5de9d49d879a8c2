/**
 * Cameras, microphones, speakers and the screen, and synthetic stand-ins for them, with the
 * interfaces a call opens them through ({@link chorus.client.device.MediaDevice},
 * {@link chorus.client.device.AudioCapture}, {@link chorus.client.device.VideoCapture},
 * {@link chorus.client.device.AudioPlayback}) and their kinds and states: cameras through JavaCV's
 * FFmpeg grabber (v4l2 on Linux), audio through javax.sound.sampled, the screen through
 * java.awt.Robot. Every failure becomes a {@link chorus.client.device.DeviceUnavailableException}
 * whose message is written for the person in the call. May use: {@code media}, {@code protocol},
 * JavaCV; not {@code session} or {@code call}, no Swing.
 */
package chorus.client.device;
