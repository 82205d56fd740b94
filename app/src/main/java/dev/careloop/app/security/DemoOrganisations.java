package dev.careloop.app.security;

import java.util.List;
import java.util.Map;

/** The organisations of the local demo (README, "Demo data"). */
public final class DemoOrganisations {
    public static final List<String> IDS = List.of("northside-gp", "riverside-derm", "lakeside-cardio");
    public static final Map<String, String> NAMES = Map.of(
            "northside-gp", "Northside General Practice",
            "riverside-derm", "Riverside Dermatology",
            "lakeside-cardio", "Lakeside Cardiology");

    private DemoOrganisations() {
    }
}
