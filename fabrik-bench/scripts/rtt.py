# Sequential FETCH+ACK round trips on one connection; prints FETCH latency percentiles.
# usage: python3 rtt.py PORT QUEUE COUNT
import socket, sys, time, json
port, queue, n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
s = socket.create_connection(("127.0.0.1", port)); s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1); f = s.makefile('rb')
f.readline(); s.sendall(b'HELLO {"v":2}\r\n'); f.readline()
def reply():
    line = f.readline()
    if line.startswith(b'$'):
        k = int(line[1:])
        if k < 0: return None
        return f.read(k + 2)[:-2]
    return line.strip()
lat = []
for i in range(n):
    t = time.perf_counter(); s.sendall(("FETCH %s\r\n" % queue).encode()); job = reply(); t1 = time.perf_counter()
    jid = json.loads(job)["jid"]; s.sendall(('ACK {"jid":"%s"}\r\n' % jid).encode()); assert reply() == b'+OK'
    lat.append((t1 - t) * 1e6)
lat.sort(); print("fetch rtt us: p50 %.0f p90 %.0f p99 %.0f" % (lat[n//2], lat[n*9//10], lat[n*99//100]))
