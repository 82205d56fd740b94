package dev.careloop.fhir;

import dev.careloop.fhir.mapping.R4ChangeProjector;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Every FHIR resource docs/FHIR.md (and the README) shows a partner sending is valid base R4, as the page says. */
class ReadmeExamplesTest {

    /** A JSON body given to curl with -d '...' whose first field is a resourceType. */
    private static final Pattern FHIR_BODY = Pattern.compile("-d '(\\{\\s*\"resourceType\".*?)'", Pattern.DOTALL);

    @Test
    void everyFhirExampleInTheReadmeIsValidR4() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md")) + Files.readString(Path.of("..", "docs", "FHIR.md"));
        List<String> examples = new ArrayList<>();
        Matcher m = FHIR_BODY.matcher(readme);
        while (m.find()) {
            examples.add(m.group(1));
        }

        assertThat(examples).as("FHIR examples in README.md and docs/FHIR.md").isNotEmpty();
        for (String example : examples) {
            IBaseResource resource = R4ChangeProjector.fhirContext().newJsonParser().parseResource(example);
            FhirValidation.assertValid(resource);
        }
    }
}
