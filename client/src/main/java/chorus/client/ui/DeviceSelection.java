package chorus.client.ui;

import chorus.client.device.AudioCapture;
import chorus.client.device.AudioPlayback;
import chorus.client.device.Cameras;
import chorus.client.device.MediaDevice;
import chorus.client.device.Microphones;
import chorus.client.device.Speakers;
import chorus.client.device.TestSources;
import chorus.client.device.VideoCapture;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns remembered device ids into devices, and lists the choices for the settings dialog. Listing
 * asks the sound system and the file system, so it runs off the Event Dispatch Thread. No Swing.
 */
final class DeviceSelection {
    /** A choice in the settings dialog. */
    record Option(String id, String label) {
        @Override
        public String toString() {
            return label;
        }
    }

    private DeviceSelection() {
    }

    /** The camera for {@code id}: the test pattern, a remembered camera, or (null) the first camera there is. */
    static MediaDevice<VideoCapture> camera(String id, String name, int fps) {
        if (TestSources.ID.equals(id)) {
            return TestSources.pattern(name, fps);
        }
        return id == null ? Cameras.preferred() : Cameras.byId(id);
    }

    static MediaDevice<AudioCapture> microphone(String id) {
        return id == null ? Microphones.systemDefault() : Microphones.byId(id);
    }

    /** Null when the choice is to play nothing. */
    static MediaDevice<AudioPlayback> speaker(String id) {
        return id == null ? Speakers.systemDefault() : Speakers.byId(id);
    }

    static List<Option> cameras() {
        List<Option> out = new ArrayList<>();
        for (MediaDevice<VideoCapture> camera : Cameras.list()) {
            out.add(new Option(camera.id(), camera.label()));
        }
        if (out.isEmpty()) {
            out.add(new Option(Cameras.missing().id(), "No camera found"));
        }
        out.add(new Option(TestSources.ID, "Test pattern"));
        return out;
    }

    static List<Option> microphones() {
        List<Option> out = new ArrayList<>();
        for (MediaDevice<AudioCapture> mic : Microphones.list()) {
            out.add(new Option(mic.id(), mic.label()));
        }
        if (out.isEmpty()) {
            out.add(new Option(Microphones.systemDefault().id(), "No microphone found"));
        }
        out.add(new Option(TestSources.ID, TestSources.tone().label()));
        return out;
    }

    static List<Option> speakers() {
        List<Option> out = new ArrayList<>();
        for (MediaDevice<AudioPlayback> speaker : Speakers.list()) {
            out.add(new Option(speaker.id(), speaker.label()));
        }
        if (out.isEmpty()) {
            out.add(new Option(Speakers.systemDefault().id(), "No speaker found"));
        }
        out.add(new Option(Speakers.NONE_ID, "None (play nothing)"));
        return out;
    }
}
