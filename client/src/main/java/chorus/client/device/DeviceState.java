package chorus.client.device;

/**
 * One device of a call as the user sees it.
 *
 * @param label   the chosen device's name, or null when none is chosen
 * @param active  microphone: unmuted and sending; camera: on and sending; speaker: playing
 * @param problem why the device is not working, in a sentence for the user; null when fine
 */
public record DeviceState(String label, boolean active, String problem) {
}
