package dev.fabrik.spring.app;

import dev.fabrik.client.ClientPool;
import dev.fabrik.client.Jobs;
import dev.fabrik.protocol.Job;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** POST /signups enqueues a Welcome job and answers 202 with its jid. */
@RestController
public class SignupController {
  private final ClientPool fabrik;

  public SignupController(ClientPool fabrik) {
    this.fabrik = fabrik;
  }

  @PostMapping("/signups")
  @ResponseStatus(HttpStatus.ACCEPTED)
  public Map<String, String> signup(@RequestBody Signup signup) {
    Job job = Jobs.of("Welcome", signup);
    fabrik.execute(c -> c.push(job));
    return Map.of("jid", job.jid());
  }
}
