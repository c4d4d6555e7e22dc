package dev.fabrik.server.triage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class FingerprintTest {

  @Test
  void masksNumbersIdsQuotedValuesEmailsAndUrls() {
    assertThat(MessageMask.mask("Order 8812 not found for user 'ann@example.com'"))
        .isEqualTo("Order <n> not found for user '?'");
    assertThat(MessageMask.mask("mail to ann.lee+x@mail.example.org bounced"))
        .isEqualTo("mail to <email> bounced");
    assertThat(MessageMask.mask("GET https://api.example.com/v2/orders/17?x=1 returned 503"))
        .isEqualTo("GET <url> returned <n>");
    assertThat(MessageMask.mask("row 3f2b8c1e-9a7d-4e21-b6c0-1d2e3f4a5b6c is locked"))
        .isEqualTo("row <uuid> is locked");
    assertThat(MessageMask.mask("object at 0x7f3a2c and jid 9f3c2a1b8e7d6c5b gone"))
        .isEqualTo("object at <hex> and jid <hex> gone");
    assertThat(MessageMask.mask("token tok_Ab12Cd34Ef56Gh rejected"))
        .isEqualTo("token <id> rejected");
    assertThat(MessageMask.mask("key \"user:42\" missing, took 1.5   s"))
        .isEqualTo("key \"?\" missing, took <n> s");
  }

  @Test
  void anApostropheInsideAWordOpensNoQuote() {
    assertThat(MessageMask.mask("can't find 'invoice-7' (it isn't there)"))
        .isEqualTo("can't find '?' (it isn't there)");
  }

  @Test
  void wordsWithoutVariablePartsStay() {
    assertThat(MessageMask.mask("connection refused")).isEqualTo("connection refused");
    assertThat(MessageMask.mask("  deadbeef  happens ")).isEqualTo("deadbeef happens");
  }

  @Test
  void sameErrorWithDifferentValuesHasOneFingerprint() {
    Fingerprint a =
        Fingerprint.of(
            "ActiveRecord::RecordNotFound",
            "Couldn't find User with 'id'=17",
            List.of(
                "/app/releases/20260101/app/jobs/mail_job.rb:12:in `perform'",
                "/app/releases/20260101/lib/mailer.rb:40:in `deliver'",
                "/gems/faktory_worker_ruby-2.0/lib/faktory/processor.rb:101:in `call'",
                "/gems/x.rb:5:in `other'"));
    Fingerprint b =
        Fingerprint.of(
            "ActiveRecord::RecordNotFound",
            "Couldn't find User with 'id'=90210",
            List.of(
                "/app/releases/20260214/app/jobs/mail_job.rb:13:in `perform'",
                "/app/releases/20260214/lib/mailer.rb:41:in `deliver'",
                "/gems/faktory_worker_ruby-2.0/lib/faktory/processor.rb:101:in `call'",
                "/gems/y.rb:6:in `elsewhere'"));
    assertThat(a.hash()).isEqualTo(b.hash()).hasSize(Fingerprint.HASH_LENGTH);
    assertThat(Fingerprint.isHash(a.hash())).isTrue();
    assertThat(a.maskedMessage()).isEqualTo("Couldn't find User with '?'=<n>");
    assertThat(a.frames()).hasSize(3);
  }

  @Test
  void differentTypeMessageOrCodeGivesAnotherFingerprint() {
    List<String> bt = List.of("com.acme.Mailer.send(Mailer.java:42)");
    String base = Fingerprint.of("java.io.IOException", "timeout after 30s", bt).hash();
    assertThat(Fingerprint.of("java.net.SocketException", "timeout after 30s", bt).hash())
        .isNotEqualTo(base);
    assertThat(Fingerprint.of("java.io.IOException", "connection reset", bt).hash())
        .isNotEqualTo(base);
    assertThat(
            Fingerprint.of(
                    "java.io.IOException",
                    "timeout after 30s",
                    List.of("com.acme.Billing.charge(Billing.java:42)"))
                .hash())
        .isNotEqualTo(base);
    assertThat(Fingerprint.of("java.io.IOException", "timeout after 31s", bt).hash())
        .isEqualTo(base);
  }

  @Test
  void javaClientFramesLoseLineNumbersAndModuleVersions() {
    Fingerprint f =
        Fingerprint.of(
            "java.lang.IllegalStateException",
            "closed",
            List.of(
                "com.acme.Mailer.send(Mailer.java:42)",
                "at java.base@25.0.1/java.lang.Thread.run(Thread.java:1583)",
                "com.acme.Job$$Lambda/0x00007f01c8(Unknown Source)",
                "com.acme.Later.x(Later.java:1)"));
    assertThat(f.frames())
        .containsExactly(
            "com.acme.Mailer.send(Mailer.java)",
            "at java.base@<n>.<n>.<n>/java.lang.Thread.run(Thread.java)",
            "com.acme.Job$$Lambda/<hex>(Unknown Source)");
  }

  @Test
  void nodeStackSkipsTheMessageLine() {
    Fingerprint f =
        Fingerprint.of(
            "Error",
            "order 12 failed",
            List.of(
                "Error: order 12 failed",
                "    at charge (/app/jobs/charge.js:12:5)",
                "    at async Processor.run (/app/node_modules/faktory-worker/lib/processor.js:80:7)"));
    assertThat(f.frames())
        .containsExactly(
            "at charge (/app/jobs/charge.js)",
            "at async Processor.run (/app/node_modules/faktory-worker/lib/processor.js)");
  }

  @Test
  void pythonTakesTheInnermostFramesFromTheEnd() {
    Fingerprint f =
        Fingerprint.of(
            "ValueError",
            "bad amount -3",
            List.of(
                "Traceback (most recent call last):",
                "  File \"/app/worker.py\", line 10, in run",
                "    job()",
                "  File \"/app/jobs/a.py\", line 20, in perform",
                "    charge(x)",
                "  File \"/app/jobs/b.py\", line 30, in charge",
                "    raise ValueError(msg)",
                "  File \"/app/jobs/c.py\", line 40, in check",
                "ValueError: bad amount -3"));
    assertThat(f.frames())
        .containsExactly(
            "File \"/app/jobs/a.py\", in perform",
            "File \"/app/jobs/b.py\", in charge",
            "File \"/app/jobs/c.py\", in check");
  }

  @Test
  void goFramesJoinTheFunctionToItsFile() {
    Fingerprint f =
        Fingerprint.of(
            "panic",
            "runtime error: index out of range [5] with length 3",
            List.of(
                "goroutine 7 [running]:",
                "main.charge(0xc000012345, 0x3)",
                "\t/app/jobs/charge.go:23 +0x65",
                "main.main()",
                "\t/app/main.go:9 +0x1d"));
    assertThat(f.frames())
        .containsExactly(
            "main.charge(<hex>, <hex>) /app/jobs/charge.go", "main.main() /app/main.go");
  }

  @Test
  void emptyReportStillHasAFingerprint() {
    assertThat(Fingerprint.of(null, null, null).hash())
        .isEqualTo(Fingerprint.of("", "", List.of()).hash());
    assertThat(Fingerprint.isHash("not-a-hash")).isFalse();
    assertThat(Fingerprint.isHash("0123456789ABCDEF")).isFalse();
  }
}
