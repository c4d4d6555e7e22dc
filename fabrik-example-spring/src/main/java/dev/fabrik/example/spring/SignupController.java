package dev.fabrik.example.spring;

import dev.fabrik.client.ClientPool;
import dev.fabrik.client.Jobs;
import dev.fabrik.protocol.Job;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** POST /signups answers 202 at once; the email goes out from the worker. */
@RestController
class SignupController {
  private final ClientPool fabrik;

  SignupController(ClientPool fabrik) {
    this.fabrik = fabrik;
  }

  @PostMapping("/signups")
  @ResponseStatus(HttpStatus.ACCEPTED)
  Map<String, String> signup(@RequestBody WelcomeEmail signup) {
    Job job = Jobs.builder("SendWelcomeEmail").args(signup).queue("critical").build();
    fabrik.execute(client -> client.push(job));
    return Map.of("jid", job.jid());
  }
}
