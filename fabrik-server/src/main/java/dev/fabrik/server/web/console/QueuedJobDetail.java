package dev.fabrik.server.web.console;

/**
 * A job waiting in a queue, found where its page listed it or close by.
 *
 * @param position its offset from the head now (0 = fetched next); may differ from the position
 *     asked for when jobs ahead of it were fetched meanwhile
 * @param size the queue's size when it was looked up
 */
public record QueuedJobDetail(String queue, long position, long size, JobDetail job) {}
