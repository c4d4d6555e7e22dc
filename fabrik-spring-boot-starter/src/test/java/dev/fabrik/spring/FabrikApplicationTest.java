package dev.fabrik.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.fabrik.client.Client;
import dev.fabrik.client.ClientConfig;
import dev.fabrik.client.ClientPool;
import dev.fabrik.client.Jobs;
import dev.fabrik.client.ServerInfo;
import dev.fabrik.client.worker.HandlerRegistry;
import dev.fabrik.client.worker.WorkerManager;
import dev.fabrik.spring.actuate.FabrikHealthIndicator;
import dev.fabrik.spring.app.ShopApplication;
import dev.fabrik.spring.app.SignupJobs;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.context.WebApplicationContext;
import tools.jackson.databind.json.JsonMapper;

/**
 * The starter in a Spring Boot application against a real Fabrik server (a child process): a job
 * posted to a controller is performed by a {@link FabrikJob} method, and closing the context lets a
 * running job finish before the application goes away. The last test closes the context.
 */
@SpringBootTest(
    classes = {ShopApplication.class, FabrikApplicationTest.StopServerLast.class},
    properties = {
      "fabrik.worker.concurrency=2",
      "fabrik.worker.queues=critical,default",
      "fabrik.worker.shutdown-grace=30s",
      "fabrik.pool.size=3",
      "spring.main.banner-mode=off"
    })
@DirtiesContext
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FabrikApplicationTest {
  private static FabrikServerProcess server;

  @DynamicPropertySource
  static void fabrikUrl(DynamicPropertyRegistry registry) {
    server = FabrikServerProcess.start();
    registry.add("fabrik.url", server::url);
  }

  /**
   * Stops the server when the test context closes, after its worker stopped (beans are destroyed
   * after lifecycle stop); an @AfterAll would run before the context closes and pull the server
   * away from a running worker.
   */
  @TestConfiguration(proxyBeanMethods = false)
  static class StopServerLast {
    @Bean
    DisposableBean fabrikServerProcess() {
      return server::close;
    }
  }

  @Autowired WebApplicationContext web;
  @Autowired SignupJobs jobs;
  @Autowired ShopApplication app;
  @Autowired ClientConfig config;
  @Autowired ClientPool pool;
  @Autowired WorkerManager worker;
  @Autowired HandlerRegistry handlers;
  @Autowired FabrikHealthIndicator health;
  @Autowired JsonMapper json;

  @Test
  @Order(1)
  void propertiesAreBoundAndTheWorkerRunsWithTheContext() {
    assertThat(config.host()).isEqualTo("127.0.0.1");
    assertThat(pool.maxSize()).isEqualTo(3);
    assertThat(handlers.jobtypes()).containsExactlyInAnyOrder("Welcome", "MonthlyReport");
    assertThat(worker.isRunning()).isTrue();

    Health h = health.health(true);
    assertThat(h.getStatus()).isEqualTo(Status.UP);
    assertThat(h.getDetails())
        .containsEntry("worker", "running")
        .containsEntry("wid", worker.wid())
        .hasEntrySatisfying("server", s -> assertThat((String) s).startsWith("Fabrik"));
  }

  @Test
  @Order(2)
  void aJobPostedToTheControllerIsPerformedByTheAnnotatedHandler() throws Exception {
    MockMvc mvc = MockMvcBuilders.webAppContextSetup(web).build();

    MvcResult result =
        mvc.perform(
                post("/signups")
                    .contentType(MediaType.APPLICATION_JSON)
                    .content("{\"email\":\"ann@example.com\",\"plan\":\"pro\"}"))
            .andExpect(status().isAccepted())
            .andExpect(jsonPath("$.jid").isString())
            .andReturn();
    String jid = json.readTree(result.getResponse().getContentAsString()).get("jid").asString();

    assertThat(jobs.welcomed.poll(30, TimeUnit.SECONDS)).isEqualTo(jid + " ann@example.com pro");
  }

  @Test
  @Order(3)
  void closingTheContextLetsARunningJobFinishAndAckIt() throws Exception {
    // A second instance of the application, the one this test stops (the test framework owns the
    // first), fetching a queue of its own so the first one's worker cannot take the job.
    ConfigurableApplicationContext second =
        new SpringApplicationBuilder(ShopApplication.class)
            .web(WebApplicationType.NONE)
            .properties(
                "fabrik.url=" + server.url(),
                "fabrik.worker.queues=reports",
                "fabrik.worker.shutdown-grace=30s",
                "spring.main.banner-mode=off")
            .run();
    SignupJobs secondJobs = second.getBean(SignupJobs.class);
    pool.execute(
        c -> c.push(Jobs.builder("MonthlyReport").args("2026-11").queue("reports").build()));
    assertThat(secondJobs.reportStarted.await(30, TimeUnit.SECONDS)).as("report started").isTrue();

    Thread closer = new Thread(second::close, "context-closer");
    closer.start();
    assertThat(second.getBean(ShopApplication.class).workerQuiet.await(30, TimeUnit.SECONDS))
        .as("worker stopping")
        .isTrue();
    // Stopping waits for the job: the context is still closing and the job still running.
    assertThat(closer.isAlive()).isTrue();
    assertThat(secondJobs.reportFinished).isFalse();

    secondJobs.reportMayFinish.countDown();
    closer.join(Duration.ofSeconds(30).toMillis());

    assertThat(closer.isAlive()).as("context closed").isFalse();
    assertThat(secondJobs.reportFinished).isTrue();
    assertThat(second.isActive()).isFalse();
    try (Client client = Client.connect(ClientConfig.builder().url(server.url()).build())) {
      ServerInfo info = client.info();
      // ACKed, not FAILed: nothing working, nothing to retry, two jobs processed.
      assertThat(info.working()).isZero();
      assertThat(info.retries()).isZero();
      assertThat(info.totalFailures()).isZero();
      assertThat(info.totalProcessed()).isEqualTo(2);
      assertThat(info.queues()).allSatisfy((queue, size) -> assertThat(size).isZero());
    }
  }

  @Test
  @Order(4)
  void aJobStillRunningAfterTheGraceIsFailedSoTheServerRetriesIt() throws Exception {
    ConfigurableApplicationContext third =
        new SpringApplicationBuilder(ShopApplication.class)
            .web(WebApplicationType.NONE)
            .properties(
                "fabrik.url=" + server.url(),
                "fabrik.worker.queues=overdue",
                "fabrik.worker.shutdown-grace=1s",
                "spring.main.banner-mode=off")
            .run();
    SignupJobs thirdJobs = third.getBean(SignupJobs.class);
    pool.execute(
        c -> c.push(Jobs.builder("MonthlyReport").args("2026-10").queue("overdue").build()));
    assertThat(thirdJobs.reportStarted.await(30, TimeUnit.SECONDS)).as("report started").isTrue();
    // Quiet (as the web UI's button does): still healthy, no more fetching.
    third.getBean(WorkerManager.class).quiet();
    Health quiet = third.getBean(FabrikHealthIndicator.class).health(true);
    assertThat(quiet.getStatus()).isEqualTo(Status.UP);
    assertThat(quiet.getDetails()).containsEntry("worker", "quiet").containsEntry("inFlight", 1);

    long began = System.nanoTime();
    third.close(); // the job never finishes by itself
    Duration closing = Duration.ofNanos(System.nanoTime() - began);

    // The 1 s grace was waited out, and the 25 s default was not.
    assertThat(closing).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(20));
    assertThat(thirdJobs.reportFinished).isFalse();
    try (Client client = Client.connect(ClientConfig.builder().url(server.url()).build())) {
      ServerInfo info = client.info();
      assertThat(info.working()).isZero();
      assertThat(info.retries()).isEqualTo(1);
      assertThat(info.totalFailures()).isEqualTo(1);
    }
  }
}
