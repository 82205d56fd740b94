package dev.careloop.api;

/** HL7 v3 PurposeOfUse codes that CareLoop records with every action. */
public final class PurposeOfUse {
    public static final String SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ActReason";
    /** Treatment. */
    public static final String TREATMENT = "TREAT";
    /** Care coordination. */
    public static final String COORDINATION = "COC";
    /** Healthcare operations. */
    public static final String OPERATIONS = "HOPERAT";
    /** Audit / compliance oversight. */
    public static final String COMPLIANCE = "HCOMPL";

    private PurposeOfUse() {
    }
}
