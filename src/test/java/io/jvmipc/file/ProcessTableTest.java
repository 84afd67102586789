package io.jvmipc.file;

import io.jvmipc.ChildJvms;
import io.jvmipc.process.JvmProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The process table across real child JVMs: liveness, kill -9, recovery, reuse, capacity, unlink. */
@Timeout(60)
class ProcessTableTest
{
    private static final int CAPACITY = 4;

    @TempDir
    Path tempDir;
    private Path path;
    private SharedFile parent;
    private final AtomicIntegerArray recovered = new AtomicIntegerArray(CAPACITY);
    private final List<JvmProcess> children = new ArrayList<>();
    private final List<SharedFile> extra = new ArrayList<>();

    @BeforeEach
    void setUp()
    {
        path = SharedDirectory.of(tempDir).resolve("table");
    }

    @AfterEach
    void tearDown()
    {
        children.forEach(JvmProcess::close);
        extra.forEach(SharedFile::close);
        if (parent != null)
        {
            parent.close();
        }
    }

    private void createParent(final int capacity)
    {
        parent = TestObjects.openOrCreate(path, capacity, 1);
        assertEquals(0, parent.attach(recovered::incrementAndGet));
    }

    /** Starts a child that attaches and holds its entry (or exits without closing); returns its entry. */
    private int startAttacher(final String mode, final JvmProcess[] started) throws InterruptedException
    {
        final JvmProcess child = ChildJvms.startMain(FileChildren.Attacher.class, path.toString(), mode);
        children.add(child);
        started[0] = child;
        assertTrue(child.awaitOutput("ATTACHED ", 60, TimeUnit.SECONDS), child::output);
        return child.outputLines().stream().filter(l -> l.startsWith("ATTACHED ")).findFirst()
            .map(l -> Integer.parseInt(l.substring("ATTACHED ".length()))).orElseThrow();
    }

    private SharedFile.ProcessEntry entryOf(final int entry)
    {
        return parent.processes().stream().filter(p -> p.entry() == entry).findFirst()
            .orElseThrow(() -> new AssertionError("no entry " + entry + " in " + parent.processes()));
    }

    @Test
    void shouldSeeAChildAliveThenRecoverItExactlyOnceAfterKill9() throws InterruptedException
    {
        createParent(CAPACITY);
        final JvmProcess[] child = new JvmProcess[1];
        final int entry = startAttacher("hold", child);
        assertEquals(1, entry);
        final SharedFile.ProcessEntry seen = entryOf(entry);
        assertEquals(child[0].pid(), seen.pid());
        assertTrue(seen.alive());
        assertFalse(seen.self());
        assertTrue(entryOf(0).self());
        assertTrue(parent.isAlive(entry));

        child[0].kill();
        assertTrue(child[0].join(30, TimeUnit.SECONDS));
        assertEquals(137, child[0].exitValue());
        assertFalse(parent.isAlive(entry));
        assertFalse(entryOf(entry).alive());
        assertEquals(0, recovered.get(entry), "recovery ran before anyone asked");
        assertTrue(parent.recoverIfDead(entry));
        assertEquals(1, recovered.get(entry));
        assertTrue(parent.recoverIfDead(entry), "still no live owner");
        assertEquals(1, recovered.get(entry), "recovery ran twice for one death");
        for (int other = 0; other < CAPACITY; other++)
        {
            if (other != entry)
            {
                assertEquals(0, recovered.get(other), "recovered entry " + other + " that nobody died in");
            }
        }
    }

    /**
     * A mapping that has not attached has no recovery to run: its probe of a dead entry must leave the entry for a
     * process that can recover it, instead of marking it free with the dead process's holdings still in place.
     */
    @Test
    void shouldLeaveADeadEntryToAnAttachedProcessWhenProbedBeforeAttaching() throws InterruptedException
    {
        createParent(CAPACITY);
        final JvmProcess[] child = new JvmProcess[1];
        final int entry = startAttacher("hold", child);
        child[0].kill();
        assertTrue(child[0].join(30, TimeUnit.SECONDS));
        try (SharedFile unattached = TestObjects.openOrCreate(path, CAPACITY, 1))
        {
            assertTrue(unattached.recoverIfDead(entry), "the entry has no live owner");
        }
        assertEquals(0, recovered.get(entry));
        assertTrue(parent.recoverIfDead(entry));
        assertEquals(1, recovered.get(entry), "the dead entry's recovery was skipped");
    }

    @Test
    void shouldNeverReportALiveChildDead() throws InterruptedException
    {
        createParent(CAPACITY);
        final JvmProcess[] child = new JvmProcess[1];
        final int entry = startAttacher("hold", child);
        for (int probe = 0; probe < 2000; probe++)
        {
            assertTrue(parent.isAlive(entry), "probe " + probe);
            assertFalse(parent.recoverIfDead(entry), "probe " + probe);
        }
        assertTrue(entryOf(entry).alive());
        assertEquals(0, recovered.get(entry));
        assertTrue(child[0].isAlive());
        assertFalse(child[0].output().contains("RECOVERED"), child[0]::output);
    }

    @Test
    void shouldRecoverAChildThatExitedWithoutClosing() throws InterruptedException
    {
        createParent(CAPACITY);
        final JvmProcess[] child = new JvmProcess[1];
        final int entry = startAttacher("exit", child);
        assertTrue(child[0].join(30, TimeUnit.SECONDS));
        assertEquals(0, child[0].exitValue(), child[0]::output);
        assertFalse(parent.isAlive(entry));
        assertTrue(parent.recoverIfDead(entry));
        assertEquals(1, recovered.get(entry));
    }

    @Test
    void shouldReuseTheEntryOfADeadChildRecoveringItOnce() throws InterruptedException
    {
        createParent(CAPACITY);
        final JvmProcess[] first = new JvmProcess[1];
        final int entry = startAttacher("hold", first);
        first[0].kill();
        assertTrue(first[0].join(30, TimeUnit.SECONDS));
        final JvmProcess[] second = new JvmProcess[1];
        assertEquals(entry, startAttacher("hold", second), "the dead child's entry is taken first");
        assertTrue(second[0].output().contains("RECOVERED " + entry), second[0]::output);
        final SharedFile.ProcessEntry now = entryOf(entry);
        assertEquals(second[0].pid(), now.pid());
        assertEquals(2, now.generation());
        assertTrue(now.alive());
        assertFalse(parent.recoverIfDead(entry), "the new owner is alive");
        assertEquals(0, recovered.get(entry), "the parent must not recover what the new owner recovered");
    }

    @Test
    void shouldThrowWhenTheProcessTableIsFull() throws InterruptedException
    {
        createParent(2);
        final JvmProcess[] child = new JvmProcess[1];
        assertEquals(1, startAttacher("hold", child));
        final SharedFile third = TestObjects.open(path);
        extra.add(third);
        final ProcessTableFullException e = assertThrows(ProcessTableFullException.class,
            () -> third.attach(dead -> { }));
        assertTrue(e.getMessage().contains(path.toString()) && e.getMessage().contains("2"), e.getMessage());
        final JvmProcess refused = ChildJvms.startMain(FileChildren.Attacher.class, path.toString(), "hold");
        children.add(refused);
        assertTrue(refused.join(60, TimeUnit.SECONDS));
        assertTrue(refused.output().contains("ProcessTableFullException"), refused::output);

        child[0].kill();
        assertTrue(child[0].join(30, TimeUnit.SECONDS));
        assertEquals(1, third.attach(dead -> { }), "an entry frees when its owner dies");
    }

    @Test
    void shouldRefuseUnlinkWhileALiveChildIsAttached() throws InterruptedException
    {
        createParent(CAPACITY);
        final JvmProcess[] child = new JvmProcess[1];
        startAttacher("hold", child);
        final IllegalStateException e = assertThrows(IllegalStateException.class, parent::unlink);
        assertTrue(e.getMessage().contains(Long.toString(child[0].pid())), e.getMessage());
        assertTrue(Files.exists(path));
        child[0].kill();
        assertTrue(child[0].join(30, TimeUnit.SECONDS));
        parent.unlink();
        assertFalse(Files.exists(path));
    }

    @Test
    void shouldNeverRemoveTheNameUnderAProcessThatIsAttaching() throws Exception
    {
        final Path stop = tempDir.resolve("stop");
        final JvmProcess child = ChildJvms.startMain(FileChildren.NameChurner.class, path.toString(), stop.toString());
        children.add(child);
        assertTrue(child.awaitOutput("STARTED", 60, TimeUnit.SECONDS), child::output);
        int unlinked = 0;
        int refused = 0;
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (System.nanoTime() - deadline < 0)
        {
            try (SharedFile file = TestObjects.openOrCreate(path, 8, 2))
            {
                file.attach(entry -> { });
                file.unlink();
                unlinked++;
            }
            catch (final IllegalStateException e)
            {
                refused++;
            }
        }
        Files.createFile(stop);
        assertTrue(child.join(60, TimeUnit.SECONDS), child::output);
        final String done = child.outputLines().stream().filter(l -> l.startsWith("DONE ")).findFirst()
            .orElseThrow(() -> new AssertionError("no DONE line: " + child.output()));
        assertTrue(done.contains(" orphaned=0 ") && done.endsWith(" failures=0"),
            "the child ended attached to a removed file: " + done + " (unlinked " + unlinked + ", refused " +
            refused + ")\n" + child.output());
        assertTrue(unlinked > 0 && refused > 0 && !done.contains("opens=1 "),
            "the race was not exercised: " + done + ", unlinked " + unlinked + ", refused " + refused);
    }

    /** A handle whose recovery checks that it was fully built first. */
    private static final class Handle
    {
        private final SharedFile file;
        private final List<Integer> recovered = new ArrayList<>();

        Handle(final SharedFile file)
        {
            this.file = file;
        }

        void recover(final int entry)
        {
            assertTrue(file != null, "recovery ran on a handle still being built");
            recovered.add(entry);
        }
    }

    @Test
    void shouldOpenInOneCallRecoveringOnACompleteHandleAndCloseOnAnyFailure() throws Exception
    {
        final SharedFile detached = TestObjects.openOrCreate(path, CAPACITY, 1);
        assertEquals(0, detached.attach(dead -> { }));
        detached.close();
        final Handle handle = SharedFile.open(path, TestObjects.KIND, TestObjects.KIND_VERSION,
            SharedFile.OpenMode.OPEN, null, file ->
            {
                final Handle built = new Handle(file);
                return new SharedFile.Bound<>(built, built::recover);
            });
        extra.add(handle.file);
        assertEquals(List.of(0), handle.recovered, "the detached entry is recovered once the handle exists");
        assertEquals(0, handle.file.entry());
        final long before = openDescriptors();
        for (int i = 0; i < 20; i++)
        {
            assertThrows(IncompatibleParametersException.class, () -> SharedFile.open(path, TestObjects.KIND,
                TestObjects.KIND_VERSION, SharedFile.OpenMode.OPEN, null, file ->
                {
                    file.requireParameter(0, "capacity", TestObjects.PARAMETER_0 + 1);
                    return new SharedFile.Bound<>(file, dead -> { });
                }));
            assertThrows(IllegalStateException.class, () -> SharedFile.open(path, TestObjects.KIND,
                TestObjects.KIND_VERSION, SharedFile.OpenMode.OPEN, null, file ->
                {
                    throw new IllegalStateException("binding failed");
                }));
        }
        assertTrue(openDescriptors() < before + 5, "a failed open leaked its file: " + before + " -> " +
            openDescriptors());
        // nobody else holds the name lock or an entry: the name can be removed at once
        handle.file.unlink();
        assertFalse(Files.exists(path));
    }

    @Test
    void shouldLeaveAnEntryWhoseRecoveryFailedToTheNextAttacher()
    {
        final SharedFile detached = TestObjects.openOrCreate(path, 1, 1);
        detached.attach(dead -> { });
        detached.close();
        final SharedFile failing = TestObjects.open(path);
        extra.add(failing);
        assertThrows(IllegalStateException.class, () -> failing.attach(dead ->
        {
            throw new IllegalStateException("recovery failed");
        }));
        final SharedFile next = TestObjects.open(path);
        extra.add(next);
        assertEquals(0, next.attach(recovered::incrementAndGet), "the entry stayed held by the failed attacher");
        assertEquals(1, recovered.get(0), "the next attacher runs the recovery again");
    }

    private static long openDescriptors() throws java.io.IOException
    {
        try (java.util.stream.Stream<Path> fds = Files.list(Path.of("/proc/self/fd")))
        {
            return fds.count();
        }
    }

    @Test
    void shouldSeeTwoAttachmentsInOneJvmAsAlive()
    {
        createParent(CAPACITY);
        final SharedFile second = TestObjects.open(path);
        extra.add(second);
        final int entry = second.attach(dead -> { });
        assertEquals(1, entry);
        assertTrue(parent.isAlive(entry), "OFD locks: another attachment of this JVM is a live owner");
        assertTrue(second.isAlive(0));
        assertFalse(parent.recoverIfDead(entry));
        assertFalse(second.recoverIfDead(0));
        assertThrows(IllegalStateException.class, parent::unlink);
        assertEquals(2, parent.processes().stream().filter(SharedFile.ProcessEntry::alive).count());
        second.close();
        assertFalse(parent.isAlive(entry));
        assertTrue(parent.recoverIfDead(entry));
        assertEquals(1, recovered.get(entry), "a close is recovered like a death, freeing what it still held");
        assertTrue(parent.recoverIfDead(entry));
        assertEquals(1, recovered.get(entry), "and only once");
        parent.unlink();
    }

    @Test
    void shouldRecoverADetachedOwnersEntryBeforeReusingIt()
    {
        createParent(CAPACITY);
        final SharedFile previous = TestObjects.open(path);
        final int entry = previous.attach(dead -> { });
        previous.close();
        final AtomicIntegerArray recoveredByNext = new AtomicIntegerArray(CAPACITY);
        final SharedFile next = TestObjects.open(path);
        extra.add(next);
        assertEquals(entry, next.attach(recoveredByNext::incrementAndGet));
        assertEquals(1, recoveredByNext.get(entry),
            "what the previous owner left stamped with the entry is recovered before a live owner holds it");
        final SharedFile fresh = TestObjects.open(path);
        extra.add(fresh);
        final AtomicIntegerArray recoveredByFresh = new AtomicIntegerArray(CAPACITY);
        final int freshEntry = fresh.attach(recoveredByFresh::incrementAndGet);
        assertEquals(0, recoveredByFresh.get(freshEntry), "a never-used entry has nothing to recover");
    }

    @Test
    void shouldStartANewOwnerWithZeroedKindWordsAndWaitingCounts()
    {
        createParent(CAPACITY);
        final SharedFile previous = TestObjects.open(path);
        final int entry = previous.attach(dead -> { });
        previous.segment().set(java.lang.foreign.ValueLayout.JAVA_LONG,
            ProcessTableDescriptor.kindWordOffset(entry, 3), 5L);
        previous.segment().set(java.lang.foreign.ValueLayout.JAVA_INT, ProcessTableDescriptor.waitingOffset(entry, 2),
            4);
        previous.close();
        final SharedFile next = TestObjects.open(path);
        extra.add(next);
        assertEquals(entry, next.attach(dead -> { }));
        assertEquals(0L, next.segment().get(java.lang.foreign.ValueLayout.JAVA_LONG,
            ProcessTableDescriptor.kindWordOffset(entry, 3)), "the new owner inherited the old owner's kind word");
        assertEquals(0, next.segment().get(java.lang.foreign.ValueLayout.JAVA_INT,
            ProcessTableDescriptor.waitingOffset(entry, 2)));
    }

    @Test
    void shouldRefuseEntryIndicesOutsideTheTable()
    {
        createParent(CAPACITY);
        assertThrows(IndexOutOfBoundsException.class, () -> parent.isAlive(CAPACITY));
        assertThrows(IndexOutOfBoundsException.class, () -> parent.isAlive(-1));
        assertFalse(parent.recoverIfDead(CAPACITY));
        assertFalse(parent.recoverIfDead(-1));
        assertEquals(0, recovered.get(0));
    }
}
