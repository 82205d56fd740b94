package dev.careloop.bench;

/** A failing target should not turn the client threads into a busy loop that starves it further. */
final class Pause {

    private Pause() {
    }

    static void afterError() {
        sleep(50);
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
