import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Wrong HELLOs as fast as N connections can send them, for a bounded time, against a server on
 * this machine; prints HELLOs answered per second and the server's CPU per HELLO.
 *
 * <pre>
 * java fabrik-bench/scripts/HelloFlood.java PORT SERVER_PID SECONDS CONNECTIONS junk|hex [SOURCES]
 * </pre>
 *
 * {@code junk}: a pwdhash that cannot be a proof ("x"); {@code hex}: 64 hex digits, well formed
 * and wrong. {@code SOURCES} (default 1) spreads the connections over that many source addresses,
 * 127.0.0.2 and up, as a spread-out attacker would. Loopback only; stops by itself.
 */
public class HelloFlood {
  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    long pid = Long.parseLong(args[1]);
    long seconds = Long.parseLong(args[2]);
    int connections = Integer.parseInt(args[3]);
    String proof = args[4].equals("hex") ? "ab".repeat(32) : "x";
    int sources = args.length > 5 ? Integer.parseInt(args[5]) : 1;
    byte[] hello =
        ("HELLO {\"v\":2,\"hostname\":\"flood\",\"pwdhash\":\"" + proof + "\"}\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    AtomicLong answered = new AtomicLong();
    AtomicLong refused = new AtomicLong();
    double cpuBefore = cpuSeconds(pid);
    long start = System.nanoTime();
    Thread[] threads = new Thread[connections];
    for (int i = 0; i < connections; i++) {
      int thread = i;
      threads[i] =
          Thread.ofPlatform()
              .start(
                  () -> {
                    long round = 0;
                    while (System.nanoTime() < deadline) {
                      int source = (int) ((thread + round++ * connections) % sources);
                      InetAddress from =
                          sources == 1
                              ? InetAddress.getLoopbackAddress()
                              : InetAddress.ofLiteral("127.0." + (source + 2) / 250 + "." + ((source + 2) % 250));
                      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port, from, 0)) {
                        s.setSoTimeout(10_000);
                        BufferedReader in =
                            new BufferedReader(
                                new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                        in.readLine(); // +HI
                        OutputStream out = s.getOutputStream();
                        out.write(hello);
                        String reply = in.readLine();
                        answered.incrementAndGet();
                        if (reply != null && reply.contains("Too many")) {
                          refused.incrementAndGet();
                        }
                      } catch (Exception e) {
                        // a reset or timeout counts as nothing answered
                      }
                    }
                  });
    }
    for (Thread t : threads) {
      t.join();
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    double cpu = cpuSeconds(pid) - cpuBefore;
    long n = answered.get();
    System.out.printf(
        "%s: %d HELLOs answered in %.1f s (%.0f/s, %d refused unchecked), server CPU %.2f s"
            + " (%.2f cores), %.3f ms CPU per HELLO%n",
        args[4], n, elapsed, n / elapsed, refused.get(), cpu, cpu / elapsed, n == 0 ? 0 : cpu * 1000 / n);
  }

  /** utime + stime of a process, from /proc (Linux). */
  static double cpuSeconds(long pid) throws Exception {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // USER_HZ
  }
}
