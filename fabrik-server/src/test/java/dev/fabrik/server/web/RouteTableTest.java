package dev.fabrik.server.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RouteTableTest {
  private final RouteTable routes = new RouteTable();
  private final Handler entry = r -> {};
  private final Handler actions = r -> {};
  private final Handler list = r -> {};

  private RouteTable.Found found(String method, String path) {
    return (RouteTable.Found) routes.find(method, path);
  }

  @Test
  void namedSegmentsAreDecodedAndTheMostLiteralRouteWins() {
    routes.get("/api/sets/{set}", list);
    routes.get("/api/sets/{set}/{key}", entry);
    routes.post("/api/sets/{set}/actions", actions);

    RouteTable.Found e = found("GET", "/api/sets/dead/1_2_3_a%2Fb+c");
    assertThat(e.route().handler()).isSameAs(entry);
    assertThat(e.params()).isEqualTo(Map.of("set", "dead", "key", "1_2_3_a/b+c"));
    assertThat(found("POST", "/api/sets/dead/actions").route().handler()).isSameAs(actions);
    assertThat(found("GET", "/api/sets/dead/").route().handler()).isSameAs(list);
    // GET on the literal POST route is a 405, not the {key} route
    assertThat(routes.find("GET", "/api/sets/dead/actions"))
        .isEqualTo(new RouteTable.WrongMethod(java.util.Set.of("POST")));
    assertThat(routes.find("DELETE", "/api/sets/dead/actions"))
        .isEqualTo(new RouteTable.WrongMethod(java.util.Set.of("POST")));
    assertThat(routes.find("DELETE", "/api/sets/dead"))
        .isEqualTo(new RouteTable.WrongMethod(java.util.Set.of("GET", "HEAD")));
    assertThat(routes.find("GET", "/api/sets")).isEqualTo(new RouteTable.NotFound());
    assertThat(routes.find("GET", "/api/sets//x")).isEqualTo(new RouteTable.NotFound());
  }

  @Test
  void headFindsTheGetRouteAndNeverAPostOne() {
    routes.get("/api/sets/{set}/{key}", entry);
    routes.post("/api/sets/{set}/actions", actions);
    routes.getOpen("/health", list);

    RouteTable.Found e = found("HEAD", "/api/sets/dead/k1");
    assertThat(e.route().handler()).isSameAs(entry);
    assertThat(e.params()).isEqualTo(Map.of("set", "dead", "key", "k1"));
    assertThat(found("HEAD", "/health").route().open()).isTrue();
    assertThat(routes.find("HEAD", "/api/sets/dead/actions"))
        .isEqualTo(new RouteTable.WrongMethod(java.util.Set.of("POST")));
    assertThat(routes.find("POST", "/health"))
        .isEqualTo(new RouteTable.WrongMethod(java.util.Set.of("GET", "HEAD")));
  }

  @Test
  void openRoutesAndRegistrationErrors() {
    routes.getOpen("/health", list);
    assertThat(found("GET", "/health").route().open()).isTrue();
    assertThatThrownBy(() -> routes.get("/health", list))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("duplicate route GET /health");
    assertThatThrownBy(() -> routes.get("health", list))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void malformedPercentEncodingIsA400() {
    routes.get("/q/{name}", list);
    assertThatThrownBy(() -> routes.find("GET", "/q/%zz"))
        .isInstanceOfSatisfying(HttpError.class, e -> assertThat(e.status()).isEqualTo(400));
  }
}
