package dev.careloop.api;

import java.util.List;

/** HL7 v3 PurposeOfUse (ActReason) codes that CareLoop records with every action and decides consent on. */
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
    /** Emergency treatment: the purpose of a break-the-glass read (never granted by a share). */
    public static final String EMERGENCY = "ETREAT";

    /** Every purpose a read may state, in the order problems list them. */
    public static final List<String> ALL = List.of(TREATMENT, COORDINATION, OPERATIONS, COMPLIANCE, EMERGENCY);
    /** The purposes a share may grant. */
    public static final List<String> GRANTABLE = List.of(TREATMENT, COORDINATION, OPERATIONS, COMPLIANCE);

    private PurposeOfUse() {
    }

    public static boolean isKnown(String code) {
        return code != null && ALL.contains(code);
    }
}
