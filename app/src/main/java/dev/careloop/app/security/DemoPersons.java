package dev.careloop.app.security;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The persons who log in to the local issuer (careloop.security.demo-persons in application-local.yml): clinic staff
 * and compliance officers of the demo organisations, the platform's compliance officer and its administrator. Their
 * password is stored as a DelegatingPasswordEncoder hash ({@code {bcrypt}...}), one for all unless a person has their
 * own; the README names the demo password. Their roles are the access table's (AccessMatrix), as the service
 * clients' are.
 */
@ConfigurationProperties("careloop.security.demo-persons")
record DemoPersons(String passwordHash, List<Person> people) {

    DemoPersons {
        people = people == null ? List.of() : List.copyOf(people);
    }

    /**
     * One person: the login ({@code username}, the token's {@code sub}), the name people know them by, their
     * profession or role title, the organisation they work for and their roles there.
     */
    record Person(String username, String name, String title, String organisation, List<String> roles,
                  String passwordHash) {

        Person {
            Objects.requireNonNull(username, "careloop.security.demo-persons.people[].username");
            Objects.requireNonNull(name, "careloop.security.demo-persons.people[" + username + "].name");
            Objects.requireNonNull(organisation,
                    "careloop.security.demo-persons.people[" + username + "].organisation");
            roles = roles == null ? List.of() : List.copyOf(roles);
        }
    }

    Optional<Person> find(String username) {
        return Optional.ofNullable(byUsername().get(username));
    }

    private Map<String, Person> byUsername() {
        return people.stream().collect(Collectors.toMap(Person::username, Function.identity()));
    }

    /** The logins, for Spring Security's form login; an unknown name costs the same hash check as a wrong password. */
    UserDetailsService users() {
        Map<String, Person> persons = byUsername();
        return username -> {
            Person person = persons.get(username);
            if (person == null) {
                throw new UsernameNotFoundException("no such person");
            }
            String hash = person.passwordHash() != null ? person.passwordHash() : passwordHash;
            if (hash == null) {
                throw new UsernameNotFoundException("no password for " + username);
            }
            return User.withUsername(person.username()).password(hash)
                    .authorities(person.roles().stream().map(r -> "ROLE_" + r).toArray(String[]::new))
                    .build();
        };
    }
}
