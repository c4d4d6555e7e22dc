package dev.fabrik.server.web.console;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** The live graph's data: the last few minutes of {@link StatsPoint}s, oldest first. */
public record StatsSeries(Instant now, Duration period, List<StatsPoint> points) {
  public StatsSeries {
    points = List.copyOf(points);
  }
}
