#!/usr/bin/env python3
"""Python multiprocessing.Queue / Pipe peer for scripts/bench.

Same protocol and output as the JVM children (io.jvmipc.bench.transport.ChildMain): this process is side A
(it measures), a multiprocessing child is side B. For each size: round trip (warm-up, then timed iterations;
percentiles from the sorted list of samples), then one-way streaming from B to A with every sequence number
checked. Prints '@pid PID A|B' and '@result key=value ...' lines; exits 1 with '@error ...' on stderr.
Arguments: transport=py-mp-queue|py-mp-pipe dir=... sizes=32,256 warmup=N rtt=N stream=N
"""
import multiprocessing as mp
import os
import struct
import sys
import time


def filled(size):
    return bytearray((i * 31 + 7) & 0xFF for i in range(size))


class QueueEnd:
    def __init__(self, send_q, recv_q):
        self.send_q, self.recv_q = send_q, recv_q

    def send(self, data):
        self.send_q.put(data)

    def recv(self):
        return self.recv_q.get()


class PipeEnd:
    def __init__(self, conn):
        self.conn = conn

    def send(self, data):
        self.conn.send_bytes(data)

    def recv(self):
        return self.conn.recv_bytes()


def side_b(end, sizes, warmup, rtt, stream):
    for size in sizes:
        if rtt > 0:
            for _ in range(warmup + rtt):
                end.send(end.recv())
        if stream > 0:
            message = filled(size)
            for i in range(warmup * 5 + stream):
                struct.pack_into('<q', message, 0, i)
                end.send(bytes(message))


def percentile(sorted_samples, p):
    index = min(len(sorted_samples) - 1, max(0, int(round(p / 100.0 * len(sorted_samples) + 0.5)) - 1))
    return sorted_samples[index]


def side_a(end, sizes, warmup, rtt, stream):
    for size in sizes:
        if rtt > 0:
            message = filled(size)
            samples = []
            for i in range(warmup + rtt):
                struct.pack_into('<q', message, 0, i)
                start = time.perf_counter_ns()
                end.send(bytes(message))
                reply = end.recv()
                elapsed = time.perf_counter_ns() - start
                if struct.unpack_from('<q', reply, 0)[0] != i or len(reply) != size:
                    raise RuntimeError('round trip %d came back wrong' % i)
                if i >= warmup:
                    samples.append(elapsed)
            samples.sort()
            print('@result kind=rtt size=%d count=%d p50=%d p90=%d p99=%d p999=%d max=%d mean=%d' % (
                size, rtt, percentile(samples, 50), percentile(samples, 90), percentile(samples, 99),
                percentile(samples, 99.9), samples[-1], sum(samples) // len(samples)), flush=True)
        if stream > 0:
            total = warmup * 5 + stream
            start = time.perf_counter_ns()
            for i in range(total):
                message = end.recv()
                seq = struct.unpack_from('<q', message, 0)[0]
                if seq != i:
                    raise RuntimeError('stream message %d arrived as %d' % (i, seq))
                if i == warmup * 5 - 1:
                    start = time.perf_counter_ns()
            nanos = time.perf_counter_ns() - start
            rate = stream * 1e9 / nanos
            print('@result kind=stream size=%d count=%d nanos=%d msgs=%d mbs=%.1f' % (
                size, stream, nanos, rate, rate * size / 1e6), flush=True)


def child_main(kind, channel, sizes, warmup, rtt, stream):
    if kind == 'py-mp-queue':
        end = QueueEnd(channel[1], channel[0])
    else:
        end = PipeEnd(channel)
    side_b(end, sizes, warmup, rtt, stream)


def main():
    options = dict(arg.split('=', 1) for arg in sys.argv[1:])
    kind = options['transport']
    sizes = [int(s) for s in options['sizes'].split(',')]
    warmup, rtt, stream = int(options['warmup']), int(options['rtt']), int(options['stream'])
    print('@pid %d A' % os.getpid(), flush=True)
    if kind == 'py-mp-queue':
        a_to_b, b_to_a = mp.Queue(), mp.Queue()
        end = QueueEnd(a_to_b, b_to_a)
        child_channel = (a_to_b, b_to_a)
    elif kind == 'py-mp-pipe':
        mine, theirs = mp.Pipe(duplex=True)
        end = PipeEnd(mine)
        child_channel = theirs
    else:
        raise SystemExit('unknown python transport ' + kind)
    child = mp.Process(target=child_main, args=(kind, child_channel, sizes, warmup, rtt, stream), daemon=True)
    child.start()
    print('@pid %d B' % child.pid, flush=True)
    try:
        print('@phase start', flush=True)
        side_a(end, sizes, warmup, rtt, stream)
        print('@phase end', flush=True)
    except Exception as failure:  # report and fail like the JVM children
        print('@error %s side A: %r' % (kind, failure), file=sys.stderr, flush=True)
        child.kill()
        sys.exit(1)
    child.join(30)
    if child.exitcode != 0:
        print('@error %s side B exited with %s' % (kind, child.exitcode), file=sys.stderr, flush=True)
        sys.exit(1)


if __name__ == '__main__':
    main()
