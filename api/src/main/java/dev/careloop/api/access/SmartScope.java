package dev.careloop.api.access;

/**
 * A SMART system scope a route accepts: read or write access to one FHIR resource type, written
 * {@code system/DocumentReference.read}. A token's scope grants it when it names the type (or {@code *}) and the
 * interaction: SMART v1 {@code .read} / {@code .write} / {@code .*}, or the v2 letters ({@code .rs} reads,
 * {@code .cu} writes).
 */
public record SmartScope(String resourceType, Interaction interaction) {

    public enum Interaction {
        READ, WRITE
    }

    public static SmartScope read(String resourceType) {
        return new SmartScope(resourceType, Interaction.READ);
    }

    public static SmartScope write(String resourceType) {
        return new SmartScope(resourceType, Interaction.WRITE);
    }

    /** Whether the token scope {@code granted} (as the token carries it) gives this access. */
    public boolean grantedBy(String granted) {
        if (granted == null || !granted.startsWith("system/")) {
            return false;
        }
        int dot = granted.lastIndexOf('.');
        if (dot < 0) {
            return false;
        }
        String type = granted.substring("system/".length(), dot);
        String rights = granted.substring(dot + 1);
        if (!type.equals("*") && !type.equals(resourceType)) {
            return false;
        }
        return switch (rights) {
            case "*" -> true;
            case "read" -> interaction == Interaction.READ;
            case "write" -> interaction == Interaction.WRITE;
            default -> !rights.isEmpty() && rights.matches("c?r?u?d?s?") && (interaction == Interaction.READ
                    ? rights.contains("r") || rights.contains("s")
                    : rights.contains("c") || rights.contains("u"));
        };
    }

    /** A token that carries any SMART system scope is a partner system, judged by its scopes alone. */
    public static boolean isSystemScope(String granted) {
        return granted != null && granted.startsWith("system/");
    }

    @Override
    public String toString() {
        return "system/" + resourceType + "." + (interaction == Interaction.READ ? "read" : "write");
    }
}
