package dev.fabrik.server.web.ui;

/** A 4xx page in the layout: "404 · no job with jid abc". */
public record ErrorPage(Chrome chrome, int status, String message) {}
