package dev.careloop.fhir.facade;

import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.RestfulServer;
import dev.careloop.api.PatientIds;
import dev.careloop.api.access.AccessLog;
import dev.careloop.fhir.directory.FhirDirectory;
import dev.careloop.fhir.directory.FhirPatients;
import dev.careloop.fhir.delivery.SubscriptionChannel;
import dev.careloop.fhir.directory.FhirPeople;
import dev.careloop.fhir.inbound.InboundLimits;
import dev.careloop.fhir.inbound.InboundReferrals;
import dev.careloop.fhir.inbound.InboundValidation;
import dev.careloop.fhir.inbound.R4Validator;
import dev.careloop.fhir.inbound.PartnerSteps;
import dev.careloop.fhir.inbound.TaskUpdates;
import dev.careloop.fhir.mapping.R4ChangeProjector;
import dev.careloop.fhir.partner.PartnerUrls;
import dev.careloop.fhir.partner.Subscriptions;
import org.axonframework.queryhandling.QueryGateway;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The FHIR R4 facade at {@code /fhir}: HAPI's plain server, so the CapabilityStatement, parameter parsing,
 * _history, ETags and OperationOutcome errors are HAPI's, with CareLoop's log behind every resource provider.
 * JSON unless the client asks for XML ({@code application/fhir+json}).
 */
@Configuration(proxyBeanMethods = false)
class FacadeServer {

    @Bean
    ServletRegistrationBean<RestfulServer> fhirFacade(FhirLog log, ResourceIndex index, PatientIds ids,
                                                       AccessLog accessLog,
                                                       InboundReferrals referrals,
                                                       TaskUpdates updates, PartnerSteps steps,
                                                       FhirCallers callers,
                                                       R4Validator validator, JdbcTemplate jdbc,
                                                       FhirDirectory directory, FhirPatients patients,
                                                       FhirPeople people, PushableResources referenced,
                                                       QueryGateway queries,
                                                       Subscriptions subscriptions, SubscriptionChannel channel,
                                                       PartnerUrls partnerUrls,
                                                       @Value("${careloop.fhir.max-bundle-entries:100}")
                                                       int maxBundleEntries) {
        // The adapter's one context: its parser keeps the versions in references (Provenance.target).
        RestfulServer server = new RestfulServer(R4ChangeProjector.fhirContext());
        server.setServerName("CareLoop FHIR facade");
        server.setImplementationDescription("CareLoop referrals, shared records and appointments as FHIR R4, "
                + "read from the event log");
        server.setDefaultResponseEncoding(EncodingEnum.JSON);
        server.setDefaultPageSize(LogResourceProvider.DEFAULT_PAGE_SIZE);
        List<LogResourceProvider<?>> logTypes = FacadeProviders.all(log, index, ids, accessLog, referenced, referrals,
                updates, steps);
        List<IResourceProvider> providers = new ArrayList<>(logTypes);
        providers.addAll(DirectoryProviders.all(directory));
        providers.add(new PatientProvider(patients, ids, accessLog));
        providers.addAll(PeopleProviders.all(people));
        providers.addAll(MeasureProviders.all(queries));
        providers.add(new SubscriptionProvider(subscriptions, channel, partnerUrls));
        server.setResourceProviders(providers.toArray(IResourceProvider[]::new));
        server.registerProvider(new FacadeProviders.Transactions(referrals));
        server.registerProvider(new SystemHistory(logTypes, accessLog));
        server.registerInterceptor(new UserLevelOutcomes());
        server.registerInterceptor(new SubscriptionCapabilities());
        server.registerInterceptor(new CallerCheck(callers));
        server.registerInterceptor(new InboundLimits(maxBundleEntries));
        server.registerInterceptor(new InboundValidation(validator));
        server.registerInterceptor(new WritePositions(jdbc));
        server.registerInterceptor(new ImplementationGuides());
        ServletRegistrationBean<RestfulServer> registration = new ServletRegistrationBean<>(server, "/fhir/*");
        registration.setName("fhirFacade");
        registration.setLoadOnStartup(1);
        return registration;
    }

    /**
     * {@code GET /fhir/.well-known/smart-configuration}, where SMART clients look for it (under the FHIR base): the
     * root document, forwarded to. An exact servlet path wins over the facade's {@code /fhir/*}.
     */
    @Bean
    ServletRegistrationBean<HttpServlet> smartConfigurationUnderTheFhirBase() {
        HttpServlet forward = new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest request, HttpServletResponse response)
                    throws ServletException, IOException {
                request.getRequestDispatcher(SmartConfiguration.PATH).forward(request, response);
            }
        };
        ServletRegistrationBean<HttpServlet> registration = new ServletRegistrationBean<>(forward,
                "/fhir" + SmartConfiguration.PATH);
        registration.setName("fhirSmartConfiguration");
        return registration;
    }
}
