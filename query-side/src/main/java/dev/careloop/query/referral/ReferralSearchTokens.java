package dev.careloop.query.referral;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The worklist's search ({@code q}): a referral is found by its patient's name, MRN or referral number. The read
 * model keeps, beside the row, the normalised tokens of those three (lower case, accents and punctuation gone) and
 * every prefix of each token from two characters on, in an indexed array (GIN). A search normalises its words the
 * same way and asks for the rows, within the caller's own inbox or outbox, holding all of them: an index lookup,
 * never a decryption or a scan of every name. The tokens are no more than the row already shows its participants
 * (name, MRN and number are in the row), and an erasure rewrites them with the row.
 */
final class ReferralSearchTokens {

    /** The shortest word a search matches on, and so the shortest prefix kept. */
    static final int MIN_LENGTH = 2;
    /** Longer words are matched on their first 32 characters (names, MRNs and numbers are shorter). */
    static final int MAX_LENGTH = 32;

    private static final Pattern MARKS = Pattern.compile("\\p{M}+");
    private static final Pattern SEPARATORS = Pattern.compile("[^\\p{L}\\p{Nd}]+");

    private ReferralSearchTokens() {
    }

    /** The tokens a row is found by: of the name, and of the MRN and number both word by word and run together. */
    static List<String> of(String patientName, String mrn, String referralNumber) {
        Set<String> tokens = new LinkedHashSet<>();
        words(patientName).forEach(w -> addPrefixes(tokens, w));
        for (String identifier : new String[]{mrn, referralNumber}) {
            List<String> words = words(identifier);
            words.forEach(w -> addPrefixes(tokens, w));
            // "REF-12AB" is also found as "ref12ab"
            addPrefixes(tokens, String.join("", words));
        }
        return List.copyOf(tokens);
    }

    /** The words of a search, normalised as the tokens are, each cut to the longest prefix kept. */
    static List<String> query(String q) {
        return words(q).stream().map(w -> w.length() > MAX_LENGTH ? w.substring(0, MAX_LENGTH) : w)
                .distinct().toList();
    }

    static List<String> words(String text) {
        if (text == null || text.isBlank()) {
            return List.of();
        }
        String plain = MARKS.matcher(Normalizer.normalize(text, Normalizer.Form.NFKD)).replaceAll("")
                .toLowerCase(Locale.ROOT);
        List<String> words = new ArrayList<>();
        for (String w : SEPARATORS.split(plain)) {
            if (!w.isEmpty()) {
                words.add(w);
            }
        }
        return words;
    }

    private static void addPrefixes(Set<String> tokens, String word) {
        if (word.isEmpty()) {
            return;
        }
        int longest = Math.min(word.length(), MAX_LENGTH);
        for (int n = Math.min(MIN_LENGTH, longest); n <= longest; n++) {
            tokens.add(word.substring(0, n));
        }
    }
}
