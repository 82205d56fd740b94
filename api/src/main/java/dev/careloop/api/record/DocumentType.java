package dev.careloop.api.record;

/** What kind of clinical document a record is, as a LOINC code with its display (11490-0 "Discharge summary"). */
public record DocumentType(String code, String display) {

    public static final String SYSTEM = "http://loinc.org";
}
