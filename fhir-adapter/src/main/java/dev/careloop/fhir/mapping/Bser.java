package dev.careloop.fhir.mapping;

import dev.careloop.api.referral.ReferralStatus;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;

/**
 * HL7 BSeR (Bidirectional Services eReferrals, STU2, {@code hl7.fhir.us.bser}): the canonical URLs of the profiles
 * a referral's Task and ServiceRequest claim, and its Task business status code system. CareLoop's own code system
 * ({@link ReferralStatus#BUSINESS_STATUS_SYSTEM}) keeps what BSeR has no code for: on hold for information
 * ({@code 8.0}) and the loop closed ({@link #LOOP_CLOSED}).
 */
public final class Bser {

    public static final String CANONICAL = "http://hl7.org/fhir/us/bser";
    /** The ImplementationGuide resource the CapabilityStatement names. */
    public static final String IMPLEMENTATION_GUIDE = CANONICAL + "/ImplementationGuide/hl7.fhir.us.bser";
    /** The core referral architecture profiles (BSeR's "Referral Task" and "Referral Service Request"). */
    public static final String REFERRAL_TASK = CANONICAL + "/StructureDefinition/ReferralTask";
    public static final String REFERRAL_SERVICE_REQUEST = CANONICAL + "/StructureDefinition/ReferralServiceRequest";
    /** BSeR's Task business status code system (TaskBusinessStatusCS), harmonised with IHE 360X. */
    public static final String BUSINESS_STATUS_SYSTEM = CANONICAL + "/CodeSystem/TaskBusinessStatusCS";
    /** Task.code: the Task asks for its focus (the ServiceRequest) to be fulfilled. */
    public static final String TASK_CODE_SYSTEM = "http://hl7.org/fhir/CodeSystem/task-code";
    /** Identifier.type of the initiator's (placer's) number for the referral. */
    public static final String IDENTIFIER_TYPE_SYSTEM = "http://terminology.hl7.org/CodeSystem/v2-0203";
    public static final String PLACER = "PLAC";
    /** CareLoop's code for an outcome the initiator has acknowledged: the loop is closed (BSeR has none). */
    public static final String LOOP_CLOSED = "loop-closed";

    private Bser() {
    }

    /** BSeR's code for {@code status}, or null where BSeR has none (on hold for information). */
    public static String code(ReferralStatus status) {
        return status == ReferralStatus.INFORMATION_REQUESTED ? null : status.businessStatus();
    }

    /**
     * Task.businessStatus: BSeR's coding first (where it has one), then CareLoop's; once the initiator has
     * acknowledged the outcome, CareLoop's coding is {@link #LOOP_CLOSED}.
     */
    static CodeableConcept businessStatus(ReferralStatus status, boolean loopClosed) {
        CodeableConcept concept = new CodeableConcept();
        String bser = code(status);
        if (bser != null) {
            concept.addCoding(new Coding(BUSINESS_STATUS_SYSTEM, bser, display(bser)));
        }
        if (loopClosed) {
            concept.addCoding(new Coding(ReferralStatus.BUSINESS_STATUS_SYSTEM, LOOP_CLOSED,
                    "Outcome acknowledged (loop closed)"));
            concept.setText(status.display() + "; outcome acknowledged (loop closed)");
        } else {
            concept.addCoding(new Coding(ReferralStatus.BUSINESS_STATUS_SYSTEM, status.businessStatus(),
                    status.display()));
            concept.setText(status.display());
        }
        return concept;
    }

    /** The display BSeR's code system gives each code. */
    static String display(String code) {
        return switch (code) {
            case "2.0" -> "Service Request Created";
            case "3.0" -> "Service Request Accepted";
            case "4.0" -> "Service Request Declined";
            case "5.1.1" -> "Service Request Event Scheduled";
            case "5.1.2" -> "Scheduled Service Request Event Unattended";
            case "5.1.3" -> "Scheduled Service Request Event Cancelled";
            case "5.1.4" -> "Service Request Event Completed";
            case "5.2" -> "Service Request Cancellation Requested";
            case "6.0" -> "Service Request Fulfillment Cancelled";
            case "7.0" -> "Service Request Fulfillment Completed";
            default -> null;
        };
    }
}
