package io.jvmipc.queue;

import com.google.common.collect.testing.QueueTestSuiteBuilder;
import com.google.common.collect.testing.TestStringQueueGenerator;
import com.google.common.collect.testing.features.CollectionFeature;
import com.google.common.collect.testing.features.CollectionSize;
import io.jvmipc.codec.Codecs;
import io.jvmipc.file.SharedDirectory;
import junit.framework.AssertionFailedError;
import junit.framework.Test;
import junit.framework.TestCase;
import junit.framework.TestFailure;
import junit.framework.TestResult;
import junit.framework.TestSuite;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Queue;
import java.util.stream.Stream;

/**
 * guava-testlib's {@link QueueTestSuiteBuilder} (the {@code java.util.Collection} and {@code Queue} contract,
 * written by others) over a {@link SharedQueue} of strings, each JUnit 3 test of the suite run as a JUnit 5
 * dynamic test. The features are those the class javadoc promises: adding, removing by value and through the
 * iterator, FIFO iteration order ({@code KNOWN_ORDER}), {@code contains(null)}/{@code remove(null)} answering
 * {@code false} ({@code ALLOWS_NULL_QUERIES}), no null elements (no {@code ALLOWS_NULL_VALUES}: {@code add(null)}
 * must throw {@link NullPointerException}), and {@code RESTRICTS_ELEMENTS} because a message over the maximum
 * size is refused (guava's meaning: some non-null elements are refused). Not claimed, because not promised:
 * {@code SERIALIZABLE}, {@code FAILS_FAST_ON_CONCURRENT_MODIFICATION} (the iterator is weakly consistent).
 * No test of the suite is suppressed: the queues are created with a capacity above anything the suite adds, so
 * the one documented difference from an unbounded collection (the capacity) never shows.
 */
@Timeout(120)
class SharedQueueGuavaSuiteTest
{
    /** More than the most elements any test of the suite holds at once (it uses at most a handful). */
    private static final int CAPACITY = 64;

    @TempDir
    Path tempDir;

    /** Every queue the generator made for the running test, closed and unlinked when it ends. */
    private final List<SharedQueue<String>> created = Collections.synchronizedList(new ArrayList<>());
    private int names;
    /** How many dynamic tests were built, checked against the suite's own count. */
    private long built;

    @TestFactory
    Stream<DynamicNode> shouldPassGuavaTestlibQueueSuite()
    {
        return suite("SharedQueue", false);
    }

    /**
     * The same suite over a queue for one producer and one consumer, whose producer and consumer work without a
     * CAS ({@link SharedQueueBuilder#singleProducer()}, {@link SharedQueueBuilder#singleConsumer()}): each test
     * runs in one thread, which takes both roles.
     */
    @TestFactory
    Stream<DynamicNode> shouldPassGuavaTestlibQueueSuiteAsASingleProducerSingleConsumerQueue()
    {
        return suite("SharedQueue single-producer single-consumer", true);
    }

    private Stream<DynamicNode> suite(final String name, final boolean oneToOne)
    {
        final SharedDirectory directory = SharedDirectory.of(tempDir);
        final TestSuite suite = QueueTestSuiteBuilder.using(new TestStringQueueGenerator()
            {
                @Override
                protected Queue<String> create(final String[] elements)
                {
                    final SharedQueueBuilder<String> builder = SharedQueue.builder("guava-" + names++, Codecs.utf8())
                        .directory(directory).capacity(CAPACITY).maxMessageSize(64);
                    final SharedQueue<String> queue = oneToOne ? builder.singleProducer().singleConsumer().create()
                        : builder.create();
                    created.add(queue);
                    Collections.addAll(queue, elements);
                    return queue;
                }
            })
            .named(name)
            .withFeatures(
                CollectionFeature.SUPPORTS_ADD,
                CollectionFeature.SUPPORTS_REMOVE,
                CollectionFeature.SUPPORTS_ITERATOR_REMOVE,
                CollectionFeature.KNOWN_ORDER,
                CollectionFeature.ALLOWS_NULL_QUERIES,
                CollectionFeature.RESTRICTS_ELEMENTS,
                CollectionSize.ANY)
            .withTearDown(this::closeCreated)
            .createTestSuite();
        final List<DynamicNode> nodes = children(suite);
        if (built != suite.countTestCases())
        {
            throw new AssertionError("built " + built + " dynamic tests for a suite of " + suite.countTestCases());
        }
        return nodes.stream();
    }

    private void closeCreated()
    {
        synchronized (created)
        {
            for (final SharedQueue<String> queue : created)
            {
                queue.unlink();
                queue.close();
            }
            created.clear();
        }
    }

    private List<DynamicNode> children(final TestSuite suite)
    {
        return Collections.list(suite.tests()).stream().map(this::node).toList();
    }

    private DynamicNode node(final Test test)
    {
        if (test instanceof final TestSuite suite)
        {
            return DynamicContainer.dynamicContainer(suite.getName(), children(suite));
        }
        built++;
        final String name = test instanceof final TestCase testCase ? testCase.getName() : test.toString();
        return DynamicTest.dynamicTest(name, () -> run(test));
    }

    /** Runs one JUnit 3 test (its own setUp and tearDown included) and rethrows its first problem. */
    private static void run(final Test test) throws Throwable
    {
        final TestResult result = new TestResult();
        test.run(result);
        final List<TestFailure> problems = new ArrayList<>(Collections.list(result.errors()));
        problems.addAll(Collections.list(result.failures()));
        if (!problems.isEmpty())
        {
            final Throwable thrown = problems.get(0).thrownException();
            throw new AssertionError(test + ": " + (thrown instanceof AssertionFailedError ? thrown.getMessage() :
                thrown.toString()), thrown);
        }
        if (result.runCount() != 1)
        {
            throw new AssertionError(test + " ran " + result.runCount() + " tests, expected 1");
        }
    }
}
