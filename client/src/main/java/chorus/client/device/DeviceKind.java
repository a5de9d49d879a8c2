package chorus.client.device;

/** The three kinds of device a call uses. */
public enum DeviceKind {
    CAMERA("camera"),
    MICROPHONE("microphone"),
    SPEAKER("speaker");

    private final String noun;

    DeviceKind(String noun) {
        this.noun = noun;
    }

    /** Lower-case, for sentences. */
    public String noun() {
        return noun;
    }
}
