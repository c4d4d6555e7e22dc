package dev.fabrik.client.admin;

import java.util.List;

/**
 * A page of a set.
 *
 * @param size the whole set's size, not only the matches
 * @param next the cursor of the following page, or null at the end; a filtered page may hold fewer
 *     entries than asked for (even none) and still have one
 */
public record SetPage(SetName set, long size, List<SetEntry> entries, String next) {}
