package io.jvmipc.pipe;

import io.jvmipc.FaultChecks;
import io.jvmipc.file.SharedDirectory;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Child program for {@link PipeFaultTest}: opens a pipe, truncates its file to {@code args[1]} bytes as another
 * program would, calls every public method of both connections and prints what each gave ({@link FaultChecks}).
 * Arguments: the directory, the size to truncate to.
 */
public final class PipeFaultChildren
{
    private PipeFaultChildren()
    {
    }

    /** Every public method of a pipe's connections on its truncated file. */
    public static void pipe(final String[] args) throws Exception
    {
        final SharedDirectory dir = SharedDirectory.of(Path.of(args[0]));
        final long size = Long.parseLong(args[1]);
        final FaultChecks checks = new FaultChecks();
        FaultChecks.printMode();
        final Pipe<byte[]> pipe = Pipe.builder("truncated").directory(dir).open();
        final Connection<byte[]> a = pipe.a();
        final Connection<byte[]> b = pipe.b();
        a.sendBytes(new byte[] {1});
        b.sendBytes(new byte[] {2});
        final Path path = a.path();
        FaultChecks.truncate(path, size);
        checks.faults("sendBytes", path, () -> a.sendBytes(new byte[] {2}));
        checks.faults("sendBytes(large)", path, () -> a.sendBytes(new byte[1 << 20]));
        checks.faults("sendBytes(range)", path, () -> a.sendBytes(new byte[4], 1, 2));
        checks.faults("send", path, () -> a.send(new byte[] {3}));
        checks.faults("recv", path, b::recv);
        checks.faults("recvBytes", path, b::recvBytes);
        checks.faults("recvBytes(max)", path, () -> b.recvBytes(10));
        checks.faults("recvBytesInto", path, () -> b.recvBytesInto(new byte[10]));
        checks.faults("recvBytesInto(offset)", path, () -> b.recvBytesInto(new byte[10], 2));
        checks.faults("poll", path, b::poll);
        checks.faults("poll(0)", path, () -> b.poll(0, TimeUnit.MILLISECONDS));
        checks.faults("poll(timeout)", path, () -> b.poll(5, TimeUnit.MILLISECONDS));
        checks.faults("a.poll", path, a::poll);
        checks.faults("wait(0)", path, () -> Connection.wait(List.of(b), 0, TimeUnit.MILLISECONDS));
        checks.faults("wait(timeout)", path, () -> Connection.wait(List.of(a, b), 5, TimeUnit.MILLISECONDS));
        checks.faults("wait", path, () -> Connection.wait(List.of(a, b)));
        checks.mayFault("canSend", path, a::canSend);
        checks.mayFault("canReceive", path, b::canReceive);
        checks.mayFault("end", path, a::end);
        checks.mayFault("toString", path, a::toString);
        checks.mayFault("attach", path, () -> Pipe.attach(dir, "truncated", End.A).close());
        checks.mayFault("unlink", path, a::unlink);
        checks.completes("close a", a::close);
        checks.completes("close pipe", pipe::close);
        checks.completes("close again", pipe::close);
        checks.refusedAsClosed("poll after close", b::poll);
        checks.report();
    }
}
