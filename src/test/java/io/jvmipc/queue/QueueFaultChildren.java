package io.jvmipc.queue;

import io.jvmipc.FaultChecks;
import io.jvmipc.codec.Codecs;
import io.jvmipc.file.SharedDirectory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Child programs for {@link QueueFaultTest}: each opens a primitive, truncates its file to {@code args[1]} bytes
 * as another program would, calls every public method and prints what each gave ({@link FaultChecks}).
 * Arguments: the directory, the size to truncate to.
 */
public final class QueueFaultChildren
{
    private static final MessageHandler IGNORE = (buffer, offset, length) ->
    {
    };

    private QueueFaultChildren()
    {
    }

    /**
     * The producer paths on a file cut right after the body's first page: the tail and head hints still read, the
     * slot the tail points at (on a later page, the slots being a page long) does not. The claim's blind CAS of that
     * slot must fault as a named file (its guard read of the mapping's last word), not crash an interpreted JVM.
     */
    public static void claimPastTheHints(final String[] args) throws Exception
    {
        final SharedDirectory dir = SharedDirectory.of(Path.of(args[0]));
        final FaultChecks checks = new FaultChecks();
        FaultChecks.printMode();
        final SharedQueue<String> q = SharedQueue.builder("q", Codecs.utf8()).directory(dir).capacity(8)
            .maxMessageSize(4000).create();
        q.offer("a");
        q.offer("b");
        q.poll();
        final Path path = q.path();
        FaultChecks.truncate(path, q.file().bodyOffset() + 4096);
        checks.faults("offer", path, () -> q.offer("x"));
        checks.faults("offer(timeout)", path, () -> q.offer("x", 1, TimeUnit.MILLISECONDS));
        checks.faults("put", path, () -> q.put("x"));
        checks.faults("offerBytes", path, () -> q.offerBytes(new byte[] {1}, 0, 1));
        checks.faults("offerBytes(timeout)", path, () -> q.offerBytes(new byte[] {1}, 0, 1, 1,
            TimeUnit.MILLISECONDS));
        checks.faults("tryClaim", path, q::tryClaim);
        checks.faults("fill", path, () -> q.fill((buffer, offset, maxLength) -> 0, 1));
        checks.faults("fill(timeout)", path, () -> q.fill((buffer, offset, maxLength) -> 0, 1, 1,
            TimeUnit.MILLISECONDS));
        checks.completes("close", q::close);
        checks.report();
    }

    /** Every public method of a {@link SharedQueue} on its truncated file. */
    public static void queue(final String[] args) throws Exception
    {
        final SharedDirectory dir = SharedDirectory.of(Path.of(args[0]));
        final long size = Long.parseLong(args[1]);
        final FaultChecks checks = new FaultChecks();
        FaultChecks.printMode();
        final SharedQueue<String> q = SharedQueue.builder("q", Codecs.utf8()).directory(dir).capacity(8)
            .maxMessageSize(64).create();
        q.offer("a");
        q.offer("b");
        q.offer("c");
        final Lease<String> lease = q.pollLease();
        final Lease<String> releasable = q.pollLease();
        final long claim = q.tryClaim();
        final long abortClaim = q.tryClaim();
        final Iterator<String> iterator = q.iterator();
        iterator.next();
        final Path path = q.path();
        FaultChecks.truncate(path, size);
        checks.faults("offer", path, () -> q.offer("x"));
        checks.faults("offer(timeout)", path, () -> q.offer("x", 1, TimeUnit.MILLISECONDS));
        checks.faults("put", path, () -> q.put("x"));
        checks.faults("add", path, () -> q.add("x"));
        checks.faults("offerBytes", path, () -> q.offerBytes(new byte[] {1}, 0, 1));
        checks.faults("offerBytes(timeout)", path, () -> q.offerBytes(new byte[] {1}, 0, 1, 1,
            TimeUnit.MILLISECONDS));
        checks.faults("tryClaim", path, q::tryClaim);
        checks.faults("fill", path, () -> q.fill((buffer, offset, maxLength) -> 0, 1));
        checks.faults("fill(timeout)", path, () -> q.fill((buffer, offset, maxLength) -> 0, 1, 1,
            TimeUnit.MILLISECONDS));
        checks.mayFault("offset", path, () -> q.offset(claim));
        checks.faults("commit", path, () -> q.commit(claim, 1));
        checks.faults("abort", path, () -> q.abort(abortClaim));
        checks.mayFault("buffer", path, q::buffer);
        checks.faults("poll", path, q::poll);
        checks.faults("poll(timeout)", path, () -> q.poll(1, TimeUnit.MILLISECONDS));
        checks.faults("take", path, q::take);
        checks.faults("remove()", path, () -> q.remove());
        checks.faults("pollBytes", path, () -> q.pollBytes(new byte[64], 0));
        checks.faults("pollBytes(timeout)", path, () -> q.pollBytes(new byte[64], 0, 1, TimeUnit.MILLISECONDS));
        checks.faults("poll(handler)", path, () -> q.poll(IGNORE));
        checks.faults("poll(handler, timeout)", path, () -> q.poll(IGNORE, 1, TimeUnit.MILLISECONDS));
        checks.faults("drain", path, () -> q.drain(IGNORE, 10));
        checks.faults("peek", path, q::peek);
        checks.faults("element", path, q::element);
        checks.faults("pollLease", path, q::pollLease);
        checks.faults("pollLease(timeout)", path, () -> q.pollLease(1, TimeUnit.MILLISECONDS));
        checks.faults("takeLease", path, q::takeLease);
        checks.faults("lease.ack", path, lease::ack);
        checks.faults("lease.release", path, releasable::release);
        checks.faults("lease.close", path, releasable::close);
        checks.faults("drainTo", path, () -> q.drainTo(new ArrayList<>()));
        checks.faults("drainTo(max)", path, () -> q.drainTo(new ArrayList<>(), 1));
        checks.faults("size", path, q::size);
        checks.faults("isEmpty", path, q::isEmpty);
        checks.faults("isFull", path, q::isFull);
        checks.faults("remainingCapacity", path, q::remainingCapacity);
        checks.mayFault("capacity", path, q::capacity);
        checks.mayFault("maxMessageSize", path, q::maxMessageSize);
        checks.mayFault("name", path, q::name);
        checks.mayFault("processes", path, q::processes);
        checks.faults("waitingConsumers", path, q::waitingConsumers);
        checks.faults("waitingProducers", path, q::waitingProducers);
        checks.faults("iterator.remove", path, iterator::remove);
        checks.faults("iterator", path, () -> q.iterator().hasNext());
        checks.faults("spliterator", path, () -> q.spliterator().tryAdvance(x ->
        {
        }));
        checks.faults("contains", path, () -> q.contains("a"));
        checks.faults("remove(Object)", path, () -> q.remove("a"));
        checks.faults("removeIf", path, () -> q.removeIf("a"::equals));
        checks.faults("removeAll", path, () -> q.removeAll(List.of("a")));
        checks.faults("retainAll", path, () -> q.retainAll(List.of("a")));
        checks.faults("toArray", path, q::toArray);
        checks.faults("toString", path, q::toString);
        checks.mayFault("describe", path, q::describe);
        checks.mayFault("unlink", path, q::unlink);
        checks.completes("close", q::close);
        checks.completes("close again", q::close);
        checks.refusedAsClosed("poll after close", q::poll);
        checks.report();
    }

    /**
     * A recovery run by a public call on a truncated file: a second handle claims the first slot and closes (so
     * its entry is due for recovery), the file loses its last page only, and {@code poll()} finds that slot in its
     * way, probes the closed entry and runs its recovery, which scans every slot and faults at the last page.
     * Arguments: the directory.
     */
    public static void queueRecovery(final String[] args) throws Exception
    {
        final SharedDirectory dir = SharedDirectory.of(Path.of(args[0]));
        final FaultChecks checks = new FaultChecks();
        FaultChecks.printMode();
        final SharedQueue<String> q = SharedQueue.builder("r", Codecs.utf8()).directory(dir).capacity(256)
            .maxMessageSize(64).create();
        final SharedQueue<String> other = SharedQueue.builder("r", Codecs.utf8()).directory(dir).open();
        other.tryClaim();
        other.close();
        final Path path = q.path();
        FaultChecks.truncate(path, (Files.size(path) - 1) / 4096 * 4096);
        checks.faults("poll (runs the recovery)", path, q::poll);
        // the next slot is on a page still mapped
        checks.mayFault("offer", path, () -> q.offer("x"));
        checks.completes("close", q::close);
        checks.report();
    }

    /**
     * Every public method of a {@link JoinableQueue} with its count file ({@code args[2]} = "count") or its
     * items file ("items") truncated.
     */
    public static void joinable(final String[] args) throws Exception
    {
        final SharedDirectory dir = SharedDirectory.of(Path.of(args[0]));
        final long size = Long.parseLong(args[1]);
        final boolean countFile = "count".equals(args[2]);
        final FaultChecks checks = new FaultChecks();
        FaultChecks.printMode();
        final JoinableQueue<String> q = JoinableQueue.builder("jobs", Codecs.utf8()).directory(dir).capacity(8)
            .maxMessageSize(64).create();
        q.put("a");
        q.take();
        q.put("b");
        q.put("c");
        q.put("d");
        final Lease<String> lease = q.pollLease();
        final Path path = countFile ? q.path() : q.queue().path();
        FaultChecks.truncate(path, size);
        checks.faults("put", path, () -> q.put("x"));
        checks.faults("offer", path, () -> q.offer("x"));
        checks.faults("offer(timeout)", path, () -> q.offer("x", 1, TimeUnit.MILLISECONDS));
        checks.faults("take", path, q::take);
        checks.faults("poll", path, q::poll);
        checks.faults("poll(timeout)", path, () -> q.poll(1, TimeUnit.MILLISECONDS));
        checks.faults("pollLease", path, q::pollLease);
        checks.faults("pollLease(timeout)", path, () -> q.pollLease(1, TimeUnit.MILLISECONDS));
        checks.faults("takeLease", path, q::takeLease);
        checks.faults("lease.ack", path, lease::ack);
        checks.faults("join", path, q::join);
        checks.faults("join(timeout)", path, () -> q.join(1, TimeUnit.MILLISECONDS));
        checks.faults("unfinishedTasks", path, q::unfinishedTasks);
        checks.faults("toString", path, q::toString);
        if (countFile)
        {
            checks.faults("taskDone", path, q::taskDone);
            checks.mayFault("size", path, q::size);
        }
        else
        {
            checks.mayFault("taskDone", path, q::taskDone);
            checks.faults("size", path, q::size);
        }
        checks.mayFault("unlink", path, q::unlink);
        checks.completes("close", q::close);
        checks.completes("close again", q::close);
        checks.refusedAsClosed("poll after close", q::poll);
        checks.report();
    }
}
