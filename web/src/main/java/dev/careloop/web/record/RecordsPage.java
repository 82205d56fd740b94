package dev.careloop.web.record;

import dev.careloop.api.record.RecordGrant;
import dev.careloop.web.ApiProblem;
import dev.careloop.web.CareLoopApi;
import dev.careloop.web.Person;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.multipart.MultipartFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Shared records: the ones shared with the organisation and by it, upload and share, and one record's page with its
 * grants, versions, download, amend, revoke and (for the organisation that shared it) who read it. Content goes up
 * first under its SHA-256 ({@code PUT /api/records/content/{sha256}}), then the record names it.
 */
@Controller
class RecordsPage {

    /** LOINC document types offered in the form. */
    static final Map<String, String> DOCUMENT_TYPES = Map.of(
            "11488-4", "Consult note",
            "11490-0", "Discharge summary",
            "18748-4", "Diagnostic imaging study",
            "34133-9", "Summary of episode note",
            "11502-2", "Laboratory report");

    /** Purposes of use in the form's order: treatment, the usual one, first (and so the default). */
    static final Map<String, String> PURPOSES = purposesInOrder();

    private static Map<String, String> purposesInOrder() {
        Map<String, String> purposes = new LinkedHashMap<>();
        purposes.put("TREAT", "Treatment");
        purposes.put("COC", "Coordination of care");
        purposes.put("HOPERAT", "Healthcare operations");
        purposes.put("HCOMPL", "Compliance");
        return java.util.Collections.unmodifiableMap(purposes);
    }

    private final CareLoopApi api;

    RecordsPage(CareLoopApi api) {
        this.api = api;
    }

    @ModelAttribute("documentTypes")
    Map<String, String> documentTypes() {
        return new java.util.TreeMap<>(DOCUMENT_TYPES);
    }

    @ModelAttribute("purposes")
    Map<String, String> purposes() {
        return PURPOSES;
    }

    @GetMapping("/records")
    String list(@RequestParam(defaultValue = "0") int page, Model model, @ModelAttribute(name = "person", binding = false) Person person) {
        model.addAttribute("sharedWithMe", api.get("/api/records", Map.of("box", "shared-with-me", "page",
                Math.max(0, page), "size", 50)));
        model.addAttribute("sharedByMe", api.get("/api/records", Map.of("box", "shared-by-me", "page",
                Math.max(0, page), "size", 50)));
        model.addAttribute("organisations", others(person));
        model.addAttribute("identifierSystem", "https://" + person.organisation() + ".example/mrn");
        model.addAttribute("validUntil", LocalDate.now(ZoneOffset.UTC).plusDays(90));
        model.addAttribute("idempotencyKey", CareLoopApi.newIdempotencyKey());
        return "records";
    }

    @PostMapping("/records")
    String share(@RequestParam("file") MultipartFile file, @RequestParam String title,
                 @RequestParam(required = false) String description, @RequestParam String documentType,
                 @RequestParam String identifierSystem, @RequestParam String identifierValue,
                 @RequestParam String patientName, @RequestParam LocalDate birthDate,
                 @RequestParam(name = "recipient", required = false) List<String> recipients,
                 @RequestParam String purpose, @RequestParam LocalDate validUntil,
                 @RequestParam String idempotencyKey) {
        String sha256 = upload(file);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("patient", Map.of("identifierSystem", identifierSystem, "identifierValue", identifierValue,
                "name", patientName, "birthDate", birthDate.toString()));
        body.put("recipients", recipients == null ? List.of() : recipients);
        body.put("documentType", Map.of("code", documentType, "display",
                DOCUMENT_TYPES.getOrDefault(documentType, documentType)));
        body.put("title", title);
        body.put("description", description == null || description.isBlank() ? null : description);
        body.put("contentSha256", sha256);
        body.put("purpose", purpose);
        body.put("validUntil", endOf(validUntil));
        CareLoopApi.Written written = api.post("/api/records", body, null, idempotencyKey);
        return "redirect:/records/" + written.body().get("recordId");
    }

    @GetMapping("/records/{id}")
    String record(@PathVariable String id, Model model, @ModelAttribute(name = "person", binding = false) Person person) {
        Map<String, Object> record = api.get("/api/records/" + id);
        boolean author = person.organisation() != null && person.organisation().equals(
                record.get("authorOrganisation"));
        model.addAttribute("record", record);
        model.addAttribute("author", author);
        model.addAttribute("versions", api.list("/api/records/" + id + "/versions", Map.of()));
        model.addAttribute("disclosures", author ? api.list("/api/records/" + id + "/disclosures", Map.of())
                : List.of());
        model.addAttribute("shareWith", author ? shareWith(record, person) : List.of());
        model.addAttribute("idempotencyKey", CareLoopApi.newIdempotencyKey());
        return "record";
    }

    @GetMapping("/records/{id}/download")
    void download(@PathVariable String id, @RequestParam(required = false) Integer version,
                  HttpServletResponse response) {
        String path = "/api/records/" + id + "/content" + (version == null ? "" : "?version=" + version);
        api.download(path, download -> {
            HttpHeaders headers = download.headers();
            response.setStatus(200);
            if (headers.getContentType() != null) {
                response.setContentType(headers.getContentType().toString());
            }
            if (headers.getContentLength() >= 0) {
                response.setContentLengthLong(headers.getContentLength());
            }
            String disposition = headers.getFirst(HttpHeaders.CONTENT_DISPOSITION);
            if (disposition != null) {
                response.setHeader(HttpHeaders.CONTENT_DISPOSITION, disposition);
            }
            response.setHeader("X-Content-Type-Options", "nosniff");
            try {
                download.body().transferTo(response.getOutputStream());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @PostMapping("/records/{id}/amend")
    String amend(@PathVariable String id, @RequestParam("file") MultipartFile file,
                 @RequestParam(required = false) String title, @RequestParam(required = false) String description,
                 @RequestParam String reason, @RequestParam long version, @RequestParam String idempotencyKey) {
        String sha256 = upload(file);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("contentSha256", sha256);
        body.put("title", title == null || title.isBlank() ? null : title);
        body.put("description", description == null || description.isBlank() ? null : description);
        body.put("reason", reason);
        api.post("/api/records/" + id + "/amend", body, version, idempotencyKey);
        return "redirect:/records/" + id;
    }

    @PostMapping("/records/{id}/grant")
    String grant(@PathVariable String id, @RequestParam String organisation, @RequestParam String reason,
                 @RequestParam long version, @RequestParam String idempotencyKey) {
        api.post("/api/records/" + id + "/grant", Map.of("organisation", organisation, "reason", reason), version,
                idempotencyKey);
        return "redirect:/records/" + id;
    }

    @PostMapping("/records/{id}/revoke")
    String revoke(@PathVariable String id, @RequestParam String organisation, @RequestParam String reason,
                  @RequestParam long version, @RequestParam String idempotencyKey) {
        api.post("/api/records/" + id + "/revoke", Map.of("organisation", organisation, "reason", reason), version,
                idempotencyKey);
        return "redirect:/records/" + id;
    }

    /** Uploads the file's bytes under their SHA-256 and answers the hash. */
    private String upload(MultipartFile file) {
        if (file == null || file.isEmpty()) {
            throw new ApiProblem(400, "Choose a file", "The record needs a document to share.",
                    List.of(new ApiProblem.FieldError("file", "must not be empty")));
        }
        try {
            byte[] bytes = file.getBytes();
            String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
            String type = file.getContentType() == null || file.getContentType().isBlank()
                    ? "application/octet-stream" : file.getContentType();
            api.upload("/api/records/content/" + sha256, bytes, type);
            return sha256;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<Map<String, Object>> others(Person person) {
        List<Map<String, Object>> all = new ArrayList<>(api.list("/api/organisations", Map.of()));
        all.removeIf(o -> o.get("id") != null && o.get("id").equals(person.organisation()));
        return all;
    }

    /**
     * The organisations the author may share the record with now: every other one but those that can read it. None
     * once the record has expired (every grant then says so), as the API would refuse.
     */
    private List<Map<String, Object>> shareWith(Map<String, Object> record, Person person) {
        List<?> grants = record.get("grants") instanceof List<?> l ? l : List.of();
        if (!grants.isEmpty() && grants.stream().allMatch(g -> g instanceof Map<?, ?> m
                && RecordGrant.EXPIRED.equals(m.get("status")))) {
            return List.of();
        }
        List<Object> reading = grants.stream().filter(g -> g instanceof Map<?, ?> m
                && RecordGrant.ACTIVE.equals(m.get("status"))).<Object>map(g -> ((Map<?, ?>) g).get("organisation"))
                .toList();
        List<Map<String, Object>> others = others(person);
        others.removeIf(o -> reading.contains(o.get("id")));
        return others;
    }

    private static String endOf(LocalDate day) {
        return day.plusDays(1).atStartOfDay(ZoneOffset.UTC).minusSeconds(1).toInstant().toString();
    }
}
