package dev.careloop.app;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.careloop.app.CareLoopClient.Response;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.time.Duration;
import java.util.Arrays;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With a mail server configured, the application mails a notification to the address the local profile gives the
 * recipient organisation (its own context: the others run without spring.mail.host, as a fresh install does).
 */
@CareLoopIntegrationTest
class NotificationMailAppTest {

    @RegisterExtension
    static final GreenMailExtension SMTP = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
            .withConfiguration(GreenMailConfiguration.aConfig().withDisabledAuthentication())
            .withPerMethodLifecycle(false);

    @DynamicPropertySource
    static void mailServer(DynamicPropertyRegistry properties) {
        properties.add("spring.mail.host", () -> "localhost");
        properties.add("spring.mail.port", () -> SMTP.getSmtp().getPort());
    }

    @LocalServerPort
    int port;

    @Test
    void aReferralReceivedIsMailedToTheRecipientOrganisationsConfiguredAddress() throws Exception {
        CareLoopClient gp = CareLoopClient.as(port, "northside-gp-staff");
        String number = "GP-MAIL-" + UUID.randomUUID().toString().substring(0, 8);
        java.util.Map<String, Object> referral = new java.util.HashMap<>(
                CareLoopClient.referralTo("riverside-derm", "MRN-MAIL-" + UUID.randomUUID()));
        referral.put("referralNumber", number);
        Response sent = gp.post("/api/referrals", referral);
        assertThat(sent.status()).as(sent.body()).isEqualTo(201);

        Await.until(Duration.ofSeconds(15), () -> Arrays.stream(SMTP.getReceivedMessages())
                .anyMatch(m -> GreenMailUtil.getBody(m).contains(number)), "the mail about " + number);

        MimeMessage mail = Arrays.stream(SMTP.getReceivedMessages())
                .filter(m -> GreenMailUtil.getBody(m).contains(number)).findFirst().orElseThrow();
        assertThat(mail.getRecipients(Message.RecipientType.TO)).extracting(Object::toString)
                .containsExactly("referrals@riverside-derm.example");
        assertThat(mail.getFrom()).extracting(Object::toString).containsExactly("careloop@careloop.example");
        assertThat(mail.getSubject()).isEqualTo("CareLoop: Referral received");
        assertThat(GreenMailUtil.getBody(mail)).doesNotContain("Alex Morgan");
    }
}
