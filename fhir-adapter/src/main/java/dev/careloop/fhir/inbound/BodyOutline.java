package dev.careloop.fhir.inbound;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.json.JsonFactory;

import javax.xml.XMLConstants;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import java.io.ByteArrayInputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A FHIR body read once as a stream of tokens, keeping only what authorisation and the limits need: the resource
 * type, how deeply it nests, and for a Bundle each entry's resource type and request method. Cheap in time and
 * memory whatever the body holds; it stops at the first limit crossed, so a huge Bundle is never read whole.
 */
final class BodyOutline {

    /** One Bundle entry: its resource's type (or the type its request URL names) and its request method. */
    record Entry(String resourceType, String method) {
    }

    /** The body breaks a limit or is not JSON or XML at all; {@code status} is the answer (400 or 413). */
    static final class Refused extends RuntimeException {
        private final int status;

        Refused(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }

        int status() {
            return status;
        }
    }

    private final String resourceType;
    private final List<Entry> entries;

    private BodyOutline(String resourceType, List<Entry> entries) {
        this.resourceType = resourceType;
        this.entries = entries;
    }

    /** The top-level resource type, or null when the body does not say. */
    String resourceType() {
        return resourceType;
    }

    /** Every Bundle entry in the body, nested Bundles' too, in document order. */
    List<Entry> entries() {
        return entries;
    }

    /**
     * Outlines {@code body} (FHIR JSON, or XML when it starts with {@code <}); refuses nesting deeper than
     * {@code maxDepth} and more than {@code maxEntries} Bundle entries in all.
     */
    static BodyOutline of(byte[] body, int maxDepth, int maxEntries) {
        int first = 0;
        while (first < body.length && Character.isWhitespace(body[first])) {
            first++;
        }
        if (first < body.length && body[first] == '<') {
            return xml(body, maxDepth, maxEntries);
        }
        return json(body, maxDepth, maxEntries);
    }

    private static BodyOutline json(byte[] body, int maxDepth, int maxEntries) {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(maxDepth).build())
                .build();
        Outliner outline = new Outliner(maxEntries);
        // The names from the document's root to the current value; "[]" for an array's element.
        Deque<String> path = new ArrayDeque<>();
        String name = null;
        try (JsonParser parser = factory.createParser(ObjectReadContext.empty(), body)) {
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                switch (token) {
                    case PROPERTY_NAME -> name = parser.currentName();
                    case START_OBJECT, START_ARRAY -> {
                        String here = inArray(parser) ? "[]" : name == null ? "" : name;
                        if (token == JsonToken.START_OBJECT && "[]".equals(here) && "entry".equals(path.peek())) {
                            outline.entry();
                        }
                        path.push(here);
                        name = null;
                    }
                    case END_OBJECT, END_ARRAY -> {
                        path.pop();
                        name = null;
                    }
                    case VALUE_STRING -> {
                        if (path.size() == 1 && "resourceType".equals(name)) {
                            outline.resourceType(parser.getString());
                        }
                        outline.value(path, name, parser.getString());
                        name = null;
                    }
                    default -> name = null;
                }
            }
        } catch (StreamConstraintsException deep) {
            throw tooDeep(maxDepth);
        } catch (JacksonException broken) {
            throw new Refused(400, "the body could not be parsed as FHIR JSON (line "
                    + broken.getLocation().getLineNr() + ", column " + broken.getLocation().getColumnNr() + ")");
        }
        return outline.done();
    }

    private static boolean inArray(JsonParser parser) {
        // The parser's context is already the new container's: its parent says where it sits.
        return parser.streamReadContext().getParent() != null && parser.streamReadContext().getParent().inArray();
    }

    private static BodyOutline xml(byte[] body, int maxDepth, int maxEntries) {
        XMLInputFactory factory = XMLInputFactory.newFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        Outliner outline = new Outliner(maxEntries);
        Deque<String> path = new ArrayDeque<>();
        try {
            XMLStreamReader reader = factory.createXMLStreamReader(new ByteArrayInputStream(body));
            try {
                while (reader.hasNext()) {
                    int event = reader.next();
                    if (event == XMLStreamConstants.START_ELEMENT) {
                        if (path.size() >= maxDepth) {
                            throw tooDeep(maxDepth);
                        }
                        String element = reader.getLocalName();
                        if (path.isEmpty()) {
                            outline.resourceType(element);
                        } else if ("resource".equals(path.peek()) && isEntry(path, 1)) {
                            // <entry><resource><Task>: the entry's resource type is the element's name.
                            outline.entryResource(element);
                        }
                        String value = reader.getAttributeValue(XMLConstants.NULL_NS_URI, "value");
                        if (value != null) {
                            outline.value(path, element, value);
                        }
                        if ("entry".equals(element)) {
                            // Repeating elements are JSON's arrays: the same path shape ("entry", "[]") for both.
                            outline.entry();
                            path.push("entry");
                            path.push("[]");
                        } else {
                            path.push(element);
                        }
                    } else if (event == XMLStreamConstants.END_ELEMENT) {
                        if ("[]".equals(path.pop())) {
                            path.pop();
                        }
                    }
                }
            } finally {
                reader.close();
            }
        } catch (XMLStreamException broken) {
            throw new Refused(400, "the body could not be parsed as FHIR XML"
                    + (broken.getLocation() == null ? "" : " (line " + broken.getLocation().getLineNumber()
                    + ", column " + broken.getLocation().getColumnNumber() + ")"));
        }
        return outline.done();
    }

    private static boolean isEntry(Deque<String> path, int skip) {
        var names = path.iterator();
        for (int i = 0; i < skip && names.hasNext(); i++) {
            names.next();
        }
        return names.hasNext() && "[]".equals(names.next()) && names.hasNext() && "entry".equals(names.next());
    }

    private static Refused tooDeep(int maxDepth) {
        return new Refused(400, "the body nests more than " + maxDepth + " levels deep");
    }

    /** Collects what the outline keeps as the tokens go by. */
    private static final class Outliner {
        private final int maxEntries;
        private final List<String[]> entries = new ArrayList<>();
        private String resourceType;

        Outliner(int maxEntries) {
            this.maxEntries = maxEntries;
        }

        void resourceType(String type) {
            resourceType = type;
        }

        /** Any array named "entry" counts (Composition.section.entry too): counting too many is the safe side. */
        void entry() {
            if (entries.size() >= maxEntries) {
                throw new Refused(413, "a Bundle may hold at most " + maxEntries + " entries "
                        + "(careloop.fhir.max-bundle-entries); this one holds more");
            }
            entries.add(new String[3]);
        }

        void entryResource(String type) {
            if (!entries.isEmpty()) {
                current()[0] = type;
            }
        }

        /** A string value at {@code path} + {@code name}. */
        void value(Deque<String> path, String name, String value) {
            if (entries.isEmpty() || name == null) {
                return;
            } else if ("resourceType".equals(name) && "resource".equals(path.peek()) && isEntry(path, 1)) {
                current()[0] = value;
            } else if ("request".equals(path.peek()) && isEntry(path, 1)) {
                if ("method".equals(name)) {
                    current()[1] = value;
                } else if ("url".equals(name)) {
                    current()[2] = value;
                }
            }
        }

        private String[] current() {
            return entries.get(entries.size() - 1);
        }

        BodyOutline done() {
            List<Entry> outlined = new ArrayList<>(entries.size());
            for (String[] e : entries) {
                outlined.add(new Entry(e[0] != null ? e[0] : typeOf(e[2]), e[1]));
            }
            return new BodyOutline(resourceType, List.copyOf(outlined));
        }

        /** "Task/123?x" -> "Task": the type a request URL names, for entries without a resource (a DELETE). */
        private static String typeOf(String url) {
            if (url == null || url.isBlank()) {
                return null;
            }
            String path = url.split("[?#]", 2)[0];
            String first = path.startsWith("/") ? path.substring(1).split("/", 2)[0] : path.split("/", 2)[0];
            return first.isEmpty() || !Character.isUpperCase(first.charAt(0)) ? null : first;
        }
    }
}
