# Fills a Fabrik queue over raw protocol: PUSHB of 1,000 no-op jobs per command, 4 in flight.
# usage: python3 fill.py PORT TOTAL QUEUE [mixed]
#   mixed: each job gets a random "priority" from 1 to 9 (fixed seed); without it, none
import socket, sys, time, os, json, random
host, port, total, queue = "127.0.0.1", int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
mixed = len(sys.argv) > 4 and sys.argv[4] == "mixed"
rng = random.Random(7)
def extra():
    return ',"priority":%d' % rng.randint(1, 9) if mixed else ""

s = socket.create_connection((host, port)); f = s.makefile('rb')
f.readline(); s.sendall(b'HELLO {"v":2}\r\n'); assert f.readline().startswith(b'+OK')
def reply():
    line = f.readline()
    if line.startswith(b'$'):
        n = int(line[1:]); 
        if n < 0: return None
        data = f.read(n + 2); return data[:-2]
    return line.strip()
t0 = time.time(); pid = os.getpid(); sent = 0; batch = 1000
pending = 0
while sent < total:
    jobs = ",".join('{"jid":"f%d-%010d","jobtype":"noop","args":[%d],"queue":"%s"%s}' % (pid, sent + i, sent + i, queue, extra()) for i in range(batch))
    s.sendall(("PUSHB [" + jobs + "]\r\n").encode()); pending += 1; sent += batch
    if pending >= 4:
        r = reply(); assert r == b'{}', r; pending -= 1
while pending: r = reply(); assert r == b'{}', r; pending -= 1
print("filled", total, "in %.1f s" % (time.time() - t0))
