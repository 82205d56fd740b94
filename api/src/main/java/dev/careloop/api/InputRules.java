package dev.careloop.api;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What any string may hold before CareLoop takes it, wherever it comes from (a path, a query, a header, a command,
 * an event): nothing a read model, a partner or a log line cannot carry. One set of rules, used by the web edge
 * and by the command and event buses.
 * <ul>
 *   <li>every string: no control characters (U+0000-U+001F, U+007F, U+0080-U+009F), no unpaired surrogates, no
 *       U+FFFE or U+FFFF; free text ({@link ClinicalText}, {@link FreeText}) may hold tabs and line breaks;</li>
 *   <li>ids (a record component named {@code id}, {@code ...Id}, {@code ...Ids}, {@code organisation},
 *       {@code ...Organisation} or {@code recipients}): at most {@value #ID_MAX} letters, digits, '.', '_' or '-'
 *       (UUIDs, organisation codes such as {@code northside-gp}, SHA-256 hex);</li>
 *   <li>lengths: free text {@value #TEXT_MAX}, URLs (a component named {@code url} or {@code ...Url})
 *       {@value #URL_MAX}, any other string {@value #LINE_MAX} characters;</li>
 *   <li>instants and dates within the years 0001 to 9999 (what PostgreSQL and FHIR can both hold).</li>
 * </ul>
 */
public final class InputRules {

    public static final int ID_MAX = 64;
    public static final int TEXT_MAX = 20_000;
    public static final int LINE_MAX = 512;
    public static final int URL_MAX = 2_048;

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]+");
    private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999999Z");
    /** Deeper than any message of ours; a cycle or a hostile structure stops here. */
    private static final int MAX_DEPTH = 16;

    /** How a string is judged. */
    public enum Kind {
        /** An identifier: short, from a safe alphabet. */
        ID(ID_MAX),
        /** Free text a person wrote: tabs and line breaks allowed. */
        TEXT(TEXT_MAX),
        /** A URL. */
        URL(URL_MAX),
        /** Any other string: a name, a code, a label. */
        LINE(LINE_MAX);

        private final int max;

        Kind(int max) {
            this.max = max;
        }

        public int max() {
            return max;
        }
    }

    /** One field that breaks a rule, and the rule in words ("contains a control character (U+0000)"). */
    public record Violation(String field, String message) {
    }

    /** A message or request refused by these rules: nothing was written. */
    public static final class InvalidInput extends IllegalArgumentException {
        private final transient List<Violation> violations;

        public InvalidInput(List<Violation> violations) {
            super(violations.stream().map(v -> v.field() + " " + v.message()).collect(Collectors.joining("; ")));
            this.violations = List.copyOf(violations);
        }

        public List<Violation> violations() {
            return violations;
        }
    }

    private InputRules() {
    }

    /** What is wrong with {@code value} as a {@code kind}, in words; null when nothing is. */
    public static String problem(String value, Kind kind) {
        return problem(value, kind, true);
    }

    private static String problem(String value, Kind kind, boolean idAlphabet) {
        if (value == null) {
            return null;
        }
        for (int i = 0; i < value.length(); ) {
            int cp = value.codePointAt(i);
            String wrong = codePointProblem(cp, kind);
            if (wrong != null) {
                return wrong;
            }
            i += Character.charCount(cp);
        }
        if (value.length() > kind.max()) {
            return "is longer than " + kind.max() + " characters";
        }
        if (kind == Kind.ID && idAlphabet && !value.isEmpty() && (!ID.matcher(value).matches()
                || value.equals(".") || value.equals(".."))) {
            return "is not an id: it may hold only letters, digits, '.', '_' and '-'";
        }
        return null;
    }

    private static String codePointProblem(int cp, Kind kind) {
        if (Character.isSurrogate((char) cp) && cp <= 0xFFFF) {
            return "contains an unpaired surrogate (" + u(cp) + ")";
        }
        boolean c0 = cp < 0x20 && !(kind == Kind.TEXT && (cp == '\t' || cp == '\n' || cp == '\r'));
        if (c0 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F)) {
            return "contains a control character (" + u(cp) + ")";
        }
        if (cp == 0xFFFE || cp == 0xFFFF) {
            return "contains a noncharacter (" + u(cp) + ")";
        }
        return null;
    }

    private static String u(int cp) {
        return "U+" + HexFormat.of().withUpperCase().toHexDigits((short) cp);
    }

    /** The kind of a record component, by its annotation or its name (see the class comment). */
    public static Kind kindOf(RecordComponent component) {
        return component.isAnnotationPresent(ClinicalText.class) || component.isAnnotationPresent(FreeText.class)
                ? Kind.TEXT : kindOf(component.getName());
    }

    /** The kind of a field, request parameter or record component by its name. */
    public static Kind kindOf(String name) {
        if (name.equals("id") || name.endsWith("Id") || name.endsWith("Ids") || name.equals("organisation")
                || name.endsWith("Organisation") || name.equals("recipients")) {
            return Kind.ID;
        }
        if (name.equals("url") || name.endsWith("Url")) {
            return Kind.URL;
        }
        return Kind.LINE;
    }

    /**
     * Every violation in {@code message}: a record (its components, nested records, lists, sets and maps walked),
     * or any value; fields are named by their path ({@code patient.name}, {@code recordIds[0]}).
     */
    public static List<Violation> check(Object message) {
        List<Violation> found = new ArrayList<>();
        walk(message, "", Kind.LINE, found, 0, false);
        return found;
    }

    /**
     * As {@link #check}, for a request body whose free text is not marked: every string not named as an id or URL
     * is judged as free text (line breaks allowed, {@value #TEXT_MAX} characters), and ids by their length only
     * (the request's own validation names a malformed one alongside its other errors). The commands it becomes
     * are checked exactly on the command bus.
     */
    public static List<Violation> checkRequest(Object body) {
        List<Violation> found = new ArrayList<>();
        walk(body, "", Kind.TEXT, found, 0, true);
        return found;
    }

    /** Throws {@link InvalidInput} naming every violation in {@code message}. */
    public static void require(Object message) {
        List<Violation> found = check(message);
        if (!found.isEmpty()) {
            throw new InvalidInput(found);
        }
    }

    private static void walk(Object value, String path, Kind kind, List<Violation> found, int depth,
                             boolean request) {
        if (value == null) {
            return;
        }
        if (depth > MAX_DEPTH) {
            found.add(new Violation(path, "is nested more than " + MAX_DEPTH + " levels deep"));
            return;
        }
        if (value instanceof CharSequence text) {
            String wrong = problem(text.toString(), kind, !request);
            if (wrong != null) {
                found.add(new Violation(path, wrong));
            }
        } else if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                walk(item, path + "[" + i++ + "]", kind, found, depth + 1, request);
            }
        } else if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                String key = String.valueOf(entry.getKey());
                String keyProblem = problem(key, Kind.LINE);
                if (keyProblem != null) {
                    found.add(new Violation(path, "has a key that " + keyProblem));
                    continue;
                }
                walk(entry.getValue(), join(path, key), kind, found, depth + 1, request);
            }
        } else if (outOfRange(value)) {
            found.add(new Violation(path, "is outside the years 0001 to 9999"));
        } else if (value.getClass().isRecord()) {
            for (Component component : COMPONENTS.get(value.getClass())) {
                walk(component.read(value), join(path, component.name()),
                        request && component.kind() == Kind.LINE ? Kind.TEXT : component.kind(), found, depth + 1,
                        request);
            }
        }
    }

    /**
     * A record's components as the walk reads them, worked out once per class: every command, event and request body
     * is walked, and asking the class for its components again each time was most of the walk's cost (issue 19).
     */
    private static final ClassValue<List<Component>> COMPONENTS = new ClassValue<>() {
        @Override
        protected List<Component> computeValue(Class<?> type) {
            List<Component> components = new ArrayList<>();
            for (RecordComponent component : type.getRecordComponents()) {
                Method accessor = component.getAccessor();
                try {
                    accessor.setAccessible(true);
                } catch (RuntimeException e) {
                    // Not opened to this module: read through the public accessor, or not at all (as before).
                }
                components.add(new Component(component.getName(), kindOf(component), accessor));
            }
            return List.copyOf(components);
        }
    };

    private record Component(String name, Kind kind, Method accessor) {
        Object read(Object record) {
            try {
                return accessor.invoke(record);
            } catch (IllegalAccessException | InvocationTargetException | RuntimeException e) {
                return null;
            }
        }
    }

    /** Whether a date or instant is one PostgreSQL or a FHIR partner could not hold. */
    public static boolean outOfRange(Object value) {
        Instant instant = null;
        if (value instanceof Instant i) {
            instant = i;
        } else if (value instanceof OffsetDateTime o) {
            instant = o.toInstant();
        } else if (value instanceof ZonedDateTime z) {
            instant = z.toInstant();
        } else if (value instanceof LocalDate d) {
            return d.getYear() < 1 || d.getYear() > 9999;
        }
        return instant != null && (instant.isBefore(EARLIEST) || instant.isAfter(LATEST));
    }

    private static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }
}
