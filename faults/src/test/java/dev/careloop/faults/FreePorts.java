package dev.careloop.faults;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/** Free ports from the suite's own range, so that it never collides with the other tests on the machine. */
final class FreePorts {

    static final int FIRST = 55400;
    static final int LAST = 55499;

    private static final Set<Integer> handedOut = new HashSet<>();

    private FreePorts() {
    }

    static synchronized int take() {
        for (int port = FIRST; port <= LAST; port++) {
            if (handedOut.contains(port)) {
                continue;
            }
            // Every address, as Tomcat binds it.
            try (ServerSocket socket = new ServerSocket(port)) {
                handedOut.add(port);
                return port;
            } catch (IOException busy) {
                // taken by someone else: try the next one
            }
        }
        throw new IllegalStateException("no free port in " + FIRST + "-" + LAST);
    }
}
