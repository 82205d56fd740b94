package dev.careloop.query.asof;

import dev.careloop.query.EventJournal;
import dev.careloop.query.ReadModelDatabase;
import dev.careloop.query.replay.Stores;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Optional;

/**
 * The projections and read models the folds must agree with are package-private in their own packages (as they
 * should be); the as-of tests reach them reflectively rather than widening them for a test.
 */
final class ReadModelsOfOtherPackages {

    private ReadModelsOfOtherPackages() {
    }

    /** A projection or read model built with the test database's JdbcTemplate, live stores, journal and JSON mapper, as it takes them. */
    static Object create(String className) {
        try {
            Constructor<?> constructor = Class.forName(className).getDeclaredConstructors()[0];
            constructor.setAccessible(true);
            Object[] args = Arrays.stream(constructor.getParameterTypes())
                    .map(ReadModelsOfOtherPackages::argument)
                    .toArray();
            return constructor.newInstance(args);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(className, e);
        }
    }

    private static Object argument(Class<?> type) {
        if (type.isInstance(ReadModelDatabase.jdbc())) {
            return ReadModelDatabase.jdbc();
        }
        if (type == Stores.class) {
            return ReadModelDatabase.stores();
        }
        if (type == EventJournal.class) {
            return ReadModelDatabase.journal();
        }
        return ReadModelDatabase.JSON;
    }

    /** {@code readModel.find(id, organisation)}: what that organisation's read API would answer. */
    @SuppressWarnings("unchecked")
    static <V> Optional<V> find(Object readModel, String id, String organisation) {
        try {
            Method find = readModel.getClass().getDeclaredMethod("find", String.class, String.class);
            find.setAccessible(true);
            return (Optional<V>) find.invoke(readModel, id, organisation);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
