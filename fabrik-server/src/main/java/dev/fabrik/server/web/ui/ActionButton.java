package dev.fabrik.server.web.ui;

/**
 * A button that acts on set entries: {@code <button name="action" value="retry">Retry now}.
 *
 * @param action the {@code SetAction} wire name the form posts
 * @param danger drawn red and asks to confirm (it cannot be undone)
 */
public record ActionButton(String action, String label, boolean danger) {}
