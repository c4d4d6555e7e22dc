package dev.fabrik.example.spring;

import dev.fabrik.client.worker.JobContext;
import dev.fabrik.spring.FabrikJob;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** Performs SendWelcomeEmail jobs; a real shop would call its mail service here. */
@Component
class WelcomeMailer {
  private static final Logger LOG = LoggerFactory.getLogger(WelcomeMailer.class);

  @FabrikJob("SendWelcomeEmail")
  void send(WelcomeEmail email, JobContext ctx) {
    LOG.info("job {}: welcome, {} <{}>", ctx.jid(), email.name(), email.email());
  }
}
