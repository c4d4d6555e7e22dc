package dev.fabrik.example.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A shop that sends its welcome emails in the background. Start a server ({@code dev/start}), then
 * {@code java -jar fabrik-example-spring/target/fabrik-example-spring.jar} and
 *
 * <pre>
 * curl -s -XPOST localhost:8080/signups -H 'Content-Type: application/json' \
 *      -d '{"email":"ada@example.com","name":"Ada"}'
 * </pre>
 *
 * The starter reads {@code fabrik.*} from application.properties (or FAKTORY_URL), starts the
 * worker once the application is up and stops it gracefully on Ctrl-C or SIGTERM.
 */
@SpringBootApplication
public class ShopApplication {
  public static void main(String[] args) {
    SpringApplication.run(ShopApplication.class, args);
  }
}
