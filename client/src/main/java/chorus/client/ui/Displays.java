package chorus.client.ui;

import java.awt.GraphicsEnvironment;

/** Whether this process can open windows: not headless, and the display answers. */
final class Displays {
    private Displays() {
    }

    static boolean available() {
        if (GraphicsEnvironment.isHeadless()) {
            return false;
        }
        try {
            return GraphicsEnvironment.getLocalGraphicsEnvironment().getScreenDevices().length > 0;
        } catch (Error | RuntimeException e) {
            return false; // DISPLAY set, but no X server behind it
        }
    }
}
